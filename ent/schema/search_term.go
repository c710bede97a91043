package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// SearchTerm holds the schema definition for one search a shopper ran: the normalized
// term, how many results it found and when, so reports can show the top searches and
// the searches that found nothing.
type SearchTerm struct {
	ent.Schema
}

// Fields of the SearchTerm.
func (SearchTerm) Fields() []ent.Field {
	return []ent.Field{
		field.String("term").NotEmpty().MaxLen(255).Comment("The query as typed, folded to lower case without accents and extra spaces."),
		field.Int("result_count").NonNegative().Comment("Results the search found (products and pages)."),
		field.Time("searched_at").Default(time.Now).Immutable(),
	}
}

// Indexes of the SearchTerm.
func (SearchTerm) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("searched_at"),
		index.Fields("term", "searched_at"),
	}
}

// Annotations of the SearchTerm: raw search log, reported by `storefront searches`, not part of the Admin API.
func (SearchTerm) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipAll),
	}
}
