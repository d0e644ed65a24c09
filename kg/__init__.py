"""The Lombardy innovation knowledge graph.

The flow runs one way: ``kg.model`` (curated YAML) -> ``kg.rdf`` (triples) ->
``kg.build`` (build/ files); ``kg.cli`` is the command line over it.
"""

__version__ = "0.1.0"
