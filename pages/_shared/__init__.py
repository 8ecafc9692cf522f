"""Code shared by the web pages. The leading underscore keeps it out of the page list."""
