"""The national registry of social-service providers (MPSV open data, § 85 zákona 108/2006 Sb.):
stream-import its daily JSON file validated against ``rpss.schema.json`` (a reconstruction),
reconcile it with our registry, and export our registry in the same format."""
