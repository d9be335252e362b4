"""UK GDPR and the Data Security and Protection Toolkit: who read whose record, subject
access exports, and removing records once they are past retention."""
