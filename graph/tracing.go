package graph

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql"
	"go.opentelemetry.io/otel/attribute"

	"storefront/internal/tracing"
)

// operationSpan puts each GraphQL operation's execution in a span (named after its type
// and name) when the request is traced.
type operationSpan struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = operationSpan{}

func (operationSpan) ExtensionName() string                          { return "OperationSpan" }
func (operationSpan) Validate(schema graphql.ExecutableSchema) error { return nil }

func (operationSpan) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	name, typ := "graphql", ""
	if oc.Operation != nil {
		typ = string(oc.Operation.Operation)
		name = "graphql " + typ
		if oc.Operation.Name != "" {
			name += " " + oc.Operation.Name
		}
	}
	ctx, end := tracing.Span(ctx, name, attribute.String("graphql.operation.type", typ),
		attribute.String("graphql.operation.name", oc.OperationName))
	resp := next(ctx)
	var err error
	if resp != nil && len(resp.Errors) > 0 {
		err = errors.New(resp.Errors[0].Message)
	}
	end(err)
	return resp
}
