"""Collection: find the annual reports on the portals where they are published, fetch them politely,
and hand what is kept to the one ingest pipeline with its provenance (URL, fetch time, the portal's
publication date). This layer only fetches and records; it never writes a report itself.
"""
