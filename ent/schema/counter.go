package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// Counter holds the schema definition for a named sequence (order numbers): incremented
// in the placing transaction, so numbers are gapless among committed orders.
type Counter struct {
	ent.Schema
}

// Fields of the Counter.
func (Counter) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Unique().NotEmpty(),
		field.Int64("value").Default(0),
	}
}

// Annotations of the Counter: internal bookkeeping, not part of the Admin API.
func (Counter) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipAll),
	}
}
