// Command printschema writes the Admin API's schema, as served, to the file named by its
// argument (docs/admin.graphql): partners read it there, and CI's go generate + git diff
// keeps it current.
package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"

	"storefront/graph/admin"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: printschema FILE")
		os.Exit(2)
	}
	var b bytes.Buffer
	b.WriteString("# The Admin API's schema (POST /admin/graphql), printed from the server by\n# `go generate ./...`: do not edit.\n\n")
	formatter.NewFormatter(&b, formatter.WithIndent("  ")).FormatSchema(withoutCodegen(admin.Schema()))
	if err := os.WriteFile(os.Args[1], b.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "printschema:", err)
		os.Exit(1)
	}
}

// codegen are the directives that steer code generation; they mean nothing to clients.
var codegen = map[string]bool{"goField": true, "goModel": true, "goTag": true, "goExtraField": true}

// withoutCodegen drops the code generation directives from s.
func withoutCodegen(s *ast.Schema) *ast.Schema {
	for name := range codegen {
		delete(s.Directives, name)
	}
	keep := func(list ast.DirectiveList) ast.DirectiveList {
		var out ast.DirectiveList
		for _, d := range list {
			if !codegen[d.Name] {
				out = append(out, d)
			}
		}
		return out
	}
	for _, def := range s.Types {
		def.Directives = keep(def.Directives)
		for _, f := range def.Fields {
			f.Directives = keep(f.Directives)
		}
		for _, v := range def.EnumValues {
			v.Directives = keep(v.Directives)
		}
	}
	return s
}
