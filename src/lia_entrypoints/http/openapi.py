"""What the OpenAPI document adds to Litestar's: closed request bodies and their "one of these" rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar._openapi.schema_generation import SchemaCreator
from litestar.openapi.spec import Schema
from litestar.plugins.pydantic import PydanticSchemaPlugin
from litestar.typing import FieldDefinition
from pydantic import BaseModel

__all__ = ["ClosedBodies", "one_of_present"]


ANY_OF = "openapi_any_of"
"""Class attribute of a model: alternatives, each the fields it needs present and their schemas."""


def one_of_present(**fields: Schema) -> Mapping[str, Schema]:
    """One alternative of a model's `anyOf`: these fields present, each matching its schema."""
    return fields


def _pattern(prop: Mapping[str, Any]) -> str | None:
    if "pattern" in prop:
        return str(prop["pattern"])
    for member in prop.get("anyOf", ()):
        if "pattern" in member:
            return str(member["pattern"])
    return None


def _copy_patterns(model: type[BaseModel], schema: Schema) -> None:
    # Litestar keeps the length limits of a field but drops its `pattern` inside an optional
    # or a list item; pydantic's own JSON schema has them all.
    own = model.model_json_schema(mode="validation").get("properties", {})
    for name, target in (schema.properties or {}).items():
        prop = own.get(name, {})
        if not isinstance(target, Schema):
            continue
        if (pattern := _pattern(prop)) is not None:
            target.pattern = pattern
        items = prop.get("items", {})
        if isinstance(target.items, Schema) and (pattern := _pattern(items)) is not None:
            target.items.pattern = pattern


class ClosedBodies(PydanticSchemaPlugin):
    """Pydantic models with `extra="forbid"` get `additionalProperties: false`, and their `anyOf`.

    Litestar's own pydantic plugin leaves the keyword out, so clients were told unknown
    fields are welcome and then got a 422 for sending one. A model states a rule across
    fields ("at least a city or a CEP") as a class attribute `openapi_any_of`.
    """

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        """Only closed pydantic models; every other model is left to Litestar's plugin."""
        return (
            isinstance(value, type)
            and issubclass(value, BaseModel)
            and value.model_config.get("extra") == "forbid"
        )

    def to_openapi_schema(
        self, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        """Litestar's schema of the model, closed."""
        schema = super().to_openapi_schema(field_definition, schema_creator)
        schema.additional_properties = False
        _copy_patterns(field_definition.annotation, schema)
        alternatives: tuple[Mapping[str, Schema], ...] = getattr(
            field_definition.annotation, ANY_OF, ()
        )
        if alternatives:
            schema.any_of = [
                Schema(required=sorted(fields), properties=dict(fields)) for fields in alternatives
            ]
        return schema
