package admin

import (
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"storefront/graph/admin/scalar"
)

// TestEveryNodeResolves: node(id:) knows the table of every type that implements Node, and
// every ID field of the schema knows the type its global ID names, so a new entity or
// reference field cannot ship with IDs that do not resolve.
func TestEveryNodeResolves(t *testing.T) {
	s := Schema()
	for name, def := range s.Types {
		if def.Kind != ast.Object || strings.HasPrefix(name, "__") {
			continue
		}
		if slices.Contains(def.Interfaces, "Node") {
			if _, ok := nodeTables[name]; !ok {
				t.Errorf("%s implements Node but node(id:) cannot find its table: add it to nodeTables", name)
			}
		}
		for _, f := range def.Fields {
			if f.Type.Name() != "ID" || name == "Query" || name == "Mutation" || strings.HasSuffix(name, "Payload") {
				continue
			}
			if _, ok := scalar.RefType(name, f.Name); !ok {
				t.Errorf("%s.%s is an ID but names no type: add it to the refs of graph/admin/scalar", name, f.Name)
			}
		}
	}
}
