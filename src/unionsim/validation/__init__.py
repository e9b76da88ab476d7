"""The validation suite: the documents' claims as executable checks (`unionsim check`)."""
