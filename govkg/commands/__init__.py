"""One module per CLI verb that has grown beyond a few lines; each defines `command`."""
