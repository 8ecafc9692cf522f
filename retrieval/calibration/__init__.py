"""Offline fitting of the values answers rely on at run time (never imported while answering)."""
