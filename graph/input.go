package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// nulRefusal refuses operations with a NUL character (U+0000) in any string they pass,
// as a variable or written in the document, before anything runs: PostgreSQL cannot store
// it in text, and no field of the API has a use for it. The same request is refused on
// every database.
type nulRefusal struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = nulRefusal{}

func (nulRefusal) ExtensionName() string                   { return "NulRefusal" }
func (nulRefusal) Validate(graphql.ExecutableSchema) error { return nil }

func (nulRefusal) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	for name, v := range oc.Variables {
		if hasNul(v) {
			return nulError("$" + name)
		}
	}
	for _, v := range oc.Operation.VariableDefinitions {
		if valueHasNul(v.DefaultValue) {
			return nulError("$" + v.Variable)
		}
	}
	if arg := setNulArgument(oc.Operation.SelectionSet, oc.Operation.Directives); arg != "" {
		return nulError(arg)
	}
	for _, f := range oc.Doc.Fragments {
		if arg := setNulArgument(f.SelectionSet, f.Directives); arg != "" {
			return nulError(arg)
		}
	}
	return nil
}

func nulError(argument string) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    "strings must not contain the NUL character (\\u0000)",
		Extensions: map[string]any{"code": CodeBadUserInput, "argument": argument},
	}
}

// hasNul reports whether a variable's value holds a string (or object key) with a NUL.
func hasNul(v any) bool {
	switch v := v.(type) {
	case string:
		return strings.IndexByte(v, 0) >= 0
	case []any:
		for _, e := range v {
			if hasNul(e) {
				return true
			}
		}
	case map[string]any:
		for k, e := range v {
			if strings.IndexByte(k, 0) >= 0 || hasNul(e) {
				return true
			}
		}
	}
	return false
}

// setNulArgument returns the name of an argument written in set (its fields, inline
// fragments and directives; fragment definitions are checked on their own) whose value
// holds a NUL, or "".
func setNulArgument(set ast.SelectionSet, dirs ast.DirectiveList) string {
	for _, d := range dirs {
		for _, a := range d.Arguments {
			if valueHasNul(a.Value) {
				return a.Name
			}
		}
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			for _, a := range s.Arguments {
				if valueHasNul(a.Value) {
					return a.Name
				}
			}
			if arg := setNulArgument(s.SelectionSet, s.Directives); arg != "" {
				return arg
			}
		case *ast.InlineFragment:
			if arg := setNulArgument(s.SelectionSet, s.Directives); arg != "" {
				return arg
			}
		case *ast.FragmentSpread:
			if arg := setNulArgument(nil, s.Directives); arg != "" {
				return arg
			}
		}
	}
	return ""
}

func valueHasNul(v *ast.Value) bool {
	if v == nil {
		return false
	}
	if (v.Kind == ast.StringValue || v.Kind == ast.BlockValue) && strings.IndexByte(v.Raw, 0) >= 0 {
		return true
	}
	for _, c := range v.Children {
		if strings.IndexByte(c.Name, 0) >= 0 || valueHasNul(c.Value) {
			return true
		}
	}
	return false
}
