package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"storefront/graph/generated"
	"storefront/internal/storetest"
)

// nulCase is one operation passing a NUL character in one string of one root field's
// arguments.
type nulCase struct {
	name   string
	query  string
	vars   map[string]any
	inline bool
}

// nulCases walks the schema: for every argument of every query and mutation field, and
// every input field reachable from it, whose type is a string (String, ID or a custom
// scalar), one operation passing "a\u0000b" there as a variable and one writing it in
// the document; other required arguments get ordinary values.
func nulCases(s *ast.Schema) []nulCase {
	var out []nulCase
	for _, root := range []*ast.Definition{s.Query, s.Mutation} {
		kind := "query"
		if root == s.Mutation {
			kind = "mutation"
		}
		for _, f := range root.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			sel := ""
			if t := s.Types[f.Type.Name()]; t.Kind != ast.Scalar && t.Kind != ast.Enum {
				sel = " { __typename }"
			}
			for _, a := range f.Arguments {
				for _, p := range stringPaths(s, a.Type, nil, map[string]bool{}) {
					path := append([]string{a.Name}, p...)
					for _, inline := range []bool{false, true} {
						var defs, args []string
						vars := map[string]any{}
						for _, b := range f.Arguments {
							switch {
							case b.Name == a.Name && inline:
								args = append(args, b.Name+": "+literal(s, b.Type, nulValue(s, b.Type, p)))
							case b.Name == a.Name:
								defs = append(defs, "$"+b.Name+": "+b.Type.String())
								args = append(args, b.Name+": $"+b.Name)
								vars[b.Name] = nulValue(s, b.Type, p)
							case b.Type.NonNull:
								defs = append(defs, "$"+b.Name+": "+b.Type.String())
								args = append(args, b.Name+": $"+b.Name)
								vars[b.Name] = sample(s, b.Type)
							}
						}
						head := kind
						if len(defs) > 0 {
							head += "(" + strings.Join(defs, ", ") + ")"
						}
						q := fmt.Sprintf("%s { %s(%s)%s }", head, f.Name, strings.Join(args, ", "), sel)
						name := root.Name + "." + f.Name + "." + strings.Join(path, ".")
						if inline {
							name += " (inline)"
						}
						out = append(out, nulCase{name: name, query: q, vars: vars, inline: inline})
					}
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// stringPaths lists the paths (input field names) from a value of type t to each string
// inside it; nil path means t itself is a string.
func stringPaths(s *ast.Schema, t *ast.Type, prefix []string, seen map[string]bool) [][]string {
	def := s.Types[t.Name()]
	switch {
	case def.Kind == ast.Scalar && t.Name() != "Int" && t.Name() != "Float" && t.Name() != "Boolean":
		return [][]string{append([]string(nil), prefix...)}
	case def.Kind == ast.InputObject && !seen[def.Name]:
		seen[def.Name] = true
		defer delete(seen, def.Name)
		var out [][]string
		for _, f := range def.Fields {
			out = append(out, stringPaths(s, f.Type, append(prefix, f.Name), seen)...)
		}
		return out
	}
	return nil
}

// nulValue is a value of type t with "a\u0000b" at path and ordinary values elsewhere.
func nulValue(s *ast.Schema, t *ast.Type, path []string) any {
	if t.Elem != nil {
		return []any{nulValue(s, t.Elem, path)}
	}
	if len(path) == 0 {
		return "a\u0000b"
	}
	obj := sample(s, &ast.Type{NamedType: t.Name(), NonNull: true}).(map[string]any)
	f := s.Types[t.Name()].Fields.ForName(path[0])
	obj[path[0]] = nulValue(s, f.Type, path[1:])
	return obj
}

// sample is an ordinary value of type t: its required input fields are set.
func sample(s *ast.Schema, t *ast.Type) any {
	if t.Elem != nil {
		return []any{sample(s, t.Elem)}
	}
	def := s.Types[t.Name()]
	switch {
	case def.Kind == ast.Enum:
		return def.EnumValues[0].Name
	case def.Kind == ast.InputObject:
		obj := map[string]any{}
		for _, f := range def.Fields {
			if f.Type.NonNull && f.DefaultValue == nil {
				obj[f.Name] = sample(s, f.Type)
			}
		}
		return obj
	case t.Name() == "Int" || t.Name() == "Float":
		return 1
	case t.Name() == "Boolean":
		return false
	}
	return "x"
}

// literal writes v (of type t) as a GraphQL literal.
func literal(s *ast.Schema, t *ast.Type, v any) string {
	switch v := v.(type) {
	case []any:
		var parts []string
		for _, e := range v {
			parts = append(parts, literal(s, t.Elem, e))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		def := s.Types[t.Name()]
		var parts []string
		for k, e := range v {
			parts = append(parts, k+": "+literal(s, def.Fields.ForName(k).Type, e))
		}
		sort.Strings(parts)
		return "{" + strings.Join(parts, ", ") + "}"
	case string:
		if s.Types[t.Name()].Kind == ast.Enum {
			return v
		}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// TestNulCharactersAreRefused sends a NUL character through every string argument and
// input field of the schema, as a variable and written in the document: each operation
// is refused as bad input before it runs, on every database (PostgreSQL used to fail
// with an internal error, "invalid byte sequence for encoding UTF8: 0x00").
func TestNulCharactersAreRefused(t *testing.T) {
	cases := nulCases(generated.NewExecutableSchema(generated.Config{}).Schema())
	if len(cases) < 60 {
		t.Fatalf("only %d cases: the schema walk is broken", len(cases))
	}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			api := startAPI(t, b, fixture)
			for _, c := range cases {
				r := api.post(t, c.query, c.vars)
				if r.errorCode() != "BAD_USER_INPUT" || strings.Contains(r.Raw, "INTERNAL_SERVER_ERROR") {
					t.Errorf("%s: got status %d %s, want BAD_USER_INPUT\n%s", c.name, r.Status, r.Raw[:min(300, len(r.Raw))], c.query)
				}
			}
		})
	}
}
