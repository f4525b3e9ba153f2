"""The national data·inclusion schema (v1) and the mapping between its Structure / Service
models and our Organisation / Service. Import the module that holds what you need:

- schema.py: vocabularies and labels, field names, identity (source, id);
- checks.py: field checks shared by the forms, the services and the import;
- export.py: our records as v1 objects, JSON and CSV files;
- import, in steps that never write: reading.py (files → rows with their line),
  validation.py (one row against the schema), mapping.py (a v1 row → our fields),
  planning.py (`prepare_import`: every row resolved to what it creates or updates),
  report.py (problems and counts). Writing the plan, all or nothing, is
  relais.network.directory.catalogue_import.
"""
