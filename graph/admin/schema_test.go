package admin

import (
	"os"
	"path/filepath"
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

// TestNoResolverStubs: gqlgen writes a panicking stub for every new field; none may ship.
func TestNoResolverStubs(t *testing.T) {
	files, err := filepath.Glob("*.resolvers.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no resolver files: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), `panic(fmt.Errorf("not implemented`) {
			t.Errorf("%s has an unimplemented resolver", f)
		}
	}
}
