//go:build ignore

package main

import (
	"log"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
)

func main() {
	ex, err := entgql.NewExtension(
		// The Admin API's SDL; the Storefront API has its own hand-written schema (graph/).
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("../graph/admin/ent.graphqls"),
		entgql.WithWhereInputs(true),
		entgql.WithRelaySpec(true),
	)
	if err != nil {
		log.Fatalf("creating entgql extension: %v", err)
	}
	opts := []entc.Option{
		entc.Extensions(ex),
		entc.FeatureNames("sql/modifier", "sql/execquery", "sql/upsert", "sql/lock", "intercept"),
		// GlobalID methods, so the Storefront API resolves ids without a resolver call.
		entc.TemplateDir("./template"),
	}
	if err := entc.Generate("./schema", &gen.Config{}, opts...); err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
}
