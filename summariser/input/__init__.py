"""What comes in: files, stdin and web pages read into text, the addresses a page may come from checked."""
