package graph

import (
	"context"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

// errorLists are element types of lists that report problems with the request's own
// input (one entry per problem, a handful at most): they need no cost.
var errorLists = map[string]string{
	"CartUserError":            "a cart mutation's problems with its input",
	"CartWarning":              "a cart mutation's warnings about its input",
	"CustomerUserError":        "a customer mutation's problems with its input",
	"UserError":                "a mutation's problems with its input",
	"CompletionError":          "why one completion attempt failed",
	"SubmissionError":          "why one submission failed",
	"MetafieldsSetUserError":   "a cart metafield mutation's problems with its input",
	"MetafieldDeleteUserError": "a cart metafield deletion's problems with its input",
}

// TestEveryListHasACost walks the schema: every field that returns a list of objects or a
// connection must have a cost function that multiplies what its items cost. The edges and
// nodes of a connection are counted by the field returning the connection; lists of
// scalars have no selection to multiply.
func TestEveryListHasACost(t *testing.T) {
	es := testSchema()
	s := es.Schema()
	checked := 0
	for _, def := range s.Types {
		if def.Kind != ast.Object || strings.HasPrefix(def.Name, "__") {
			continue
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			elem := s.Types[f.Type.Name()]
			isList := f.Type.Elem != nil && elem.Kind != ast.Scalar && elem.Kind != ast.Enum
			isConn := strings.HasSuffix(elem.Name, "Connection")
			switch {
			case !isList && !isConn:
				continue
			case isList && strings.HasSuffix(def.Name, "Connection") && (f.Name == "edges" || f.Name == "nodes"):
				continue
			case errorLists[elem.Name] != "":
				continue
			}
			checked++
			const child = 10
			cost, ok := es.Complexity(context.Background(), def.Name, f.Name, child, requiredArgs(s, f))
			if !ok || cost <= child {
				t.Errorf("%s.%s returns %s but has no cost multiplying its items (got %d, %v)", def.Name, f.Name, f.Type, cost, ok)
			}
		}
	}
	if checked < 30 {
		t.Fatalf("checked %d list fields; the schema walk is broken", checked)
	}
}

// requiredArgs gives each required argument of f a value of its type, so the field's
// cost function can be called.
func requiredArgs(s *ast.Schema, f *ast.FieldDefinition) map[string]any {
	args := map[string]any{}
	for _, a := range f.Arguments {
		if !a.Type.NonNull {
			continue
		}
		switch {
		case a.Type.Elem != nil:
			args[a.Name] = []any{}
		case s.Types[a.Type.Name()].Kind == ast.Enum:
			args[a.Name] = s.Types[a.Type.Name()].EnumValues[0].Name
		case a.Type.Name() == "Int":
			args[a.Name] = 1
		case a.Type.Name() == "Boolean":
			args[a.Name] = false
		default:
			args[a.Name] = "x"
		}
	}
	return args
}
