"""The tumour board (RCP): case sheet, decisions, meetings, patient letter.

Pure of the web: these modules read a case JSON and its assessment JSON and return
text, PDF bytes or FHIR resources; ``thyref.web.meetings`` and the CLI call them.
"""
