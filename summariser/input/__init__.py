"""What comes in: files, stdin and web pages read into text, addresses checked, disguises undone."""
