"""Read the curated YAML in data/ and check it, reporting every problem at once.

This module knows YAML and the schema of the curated records, nothing of RDF.
Each YAML file under the data directory is a mapping whose top-level keys say
what it holds: ``sources``, ``organisations``, ``clusters`` (or one
``cluster``), ``people``, ``acts``, ``schemes`` and ``projects``. A curator may split records
across as many files as they like; ids are global per kind.

Every problem becomes a `kg.errors.Problem` with the file, the line and the
field (relative to the record), for example::

    data/clusters/cosmetica.yaml:14: members[2].organisation: unknown organisation
    'polimi' (did you mean 'politecnico-di-milano'?)

The package follows the flow of a load, each module using only those before it:

    dates.py       PartialDate, parse_date, open/unknown ends
    yaml_lines.py  YAML -> dicts and lists that remember their lines
    records.py     pydantic records, closed vocabularies, scalar checks, Dataset
    messages.py    pydantic errors in a curator's words
    checks.py      cross-record checks; problem_at for later stages
    load.py        load_data: read (in parallel), validate, cross-check

Everything public is importable from ``kg.model`` itself.
"""

from __future__ import annotations

from kg.model.checks import problem_at
from kg.model.dates import OPEN, PartialDate, parse_date
from kg.model.load import load_data
from kg.model.records import (
    ACT_TYPES,
    BODY_KINDS,
    CLUSTER_LEVELS,
    DISPUTABLE,
    ORGANISATION_TYPES,
    PARTNER_TYPES,
    PROJECT_KINDS,
    ROLES,
    Act,
    Body,
    Cluster,
    Counterpart,
    Dataset,
    Dispute,
    Figure,
    Identifier,
    Membership,
    Organisation,
    Person,
    Post,
    Project,
    Scheme,
    Source,
)
from kg.model.yaml_lines import MAX_ALIASES
from kg.names import normalise_name, slugify

__all__ = [
    "ACT_TYPES",
    "BODY_KINDS",
    "CLUSTER_LEVELS",
    "ORGANISATION_TYPES",
    "PARTNER_TYPES",
    "PROJECT_KINDS",
    "ROLES",
    "Act",
    "Body",
    "Cluster",
    "Counterpart",
    "DISPUTABLE",
    "Dataset",
    "Dispute",
    "Figure",
    "Identifier",
    "Membership",
    "Organisation",
    "PartialDate",
    "Person",
    "Post",
    "Project",
    "Scheme",
    "Source",
    "load_data",
    "normalise_name",
    "parse_date",
    "problem_at",
    # not public API before the split, but imported from kg.model by kg.rdf and the tests
    "MAX_ALIASES",
    "OPEN",
    "slugify",
]
