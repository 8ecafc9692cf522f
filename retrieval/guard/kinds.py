"""The kinds of identifier the guard finds (HIPAA Safe Harbor), named as Presidio entity types."""

from __future__ import annotations

PERSON = "PERSON"
DATE = "DATE"
AGE = "AGE"
MRN = "MEDICAL_RECORD_NUMBER"
PHONE = "PHONE_NUMBER"
EMAIL = "EMAIL_ADDRESS"
ADDRESS = "STREET_ADDRESS"
ID = "ID_NUMBER"
TYPES = (PERSON, DATE, AGE, MRN, PHONE, EMAIL, ADDRESS, ID)
