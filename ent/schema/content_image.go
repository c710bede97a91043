package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
)

// ContentImage holds the schema definition for the ContentImage entity: an image of the
// shop's own content (brand logos and cover, article images), served as MediaImage.
type ContentImage struct {
	ent.Schema
}

// Mixin of the ContentImage.
func (ContentImage) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the ContentImage.
func (ContentImage) Fields() []ent.Field {
	return []ent.Field{
		field.String("url").NotEmpty().MaxLen(2048).Comment("Absolute URL of the image file."),
		field.String("alt_text").Optional().Nillable().MaxLen(512),
		field.Int("width").Optional().Nillable().Positive(),
		field.Int("height").Optional().Nillable().Positive(),
	}
}
