"""One module per interaction kind; each registers itself with console.interact.registry."""
