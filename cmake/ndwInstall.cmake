# Install rules, exported targets, package config and pkg-config (issue 6).
