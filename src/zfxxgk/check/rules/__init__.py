"""Built-in rule families; importing this package registers every rule.

Families are imported in the order of the spec's catalogue (§4.1 parsing and structure, §4.2
values, §4.4 table 3, §4.5 table 4), which is the order ``zfxxgk rules`` lists them in. Modules
whose name starts with ``_`` hold shared helpers and register nothing.
"""

from importlib import import_module

FAMILIES = ("parsing", "structure", "values", "table3", "table4", "cross_year", "cross_unit", "prose", "dates", "content",
            "publication")

for _name in FAMILIES:
    import_module(f"{__name__}.{_name}")
