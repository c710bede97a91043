package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"storefront/internal/checkout"
	"storefront/internal/metrics"
)

// operationMetrics tells the metrics middleware which operation a request ran and whether
// its response carried errors.
type operationMetrics struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = operationMetrics{}

func (operationMetrics) ExtensionName() string                          { return "OperationMetrics" }
func (operationMetrics) Validate(schema graphql.ExecutableSchema) error { return nil }

func (operationMetrics) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	op := metrics.From(ctx)
	if op == nil || !graphql.HasOperationContext(ctx) {
		return resp
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil {
		return resp
	}
	op.Name, op.Type = oc.Operation.Name, string(oc.Operation.Operation)
	op.Errors = (resp != nil && len(resp.Errors) > 0) || len(graphql.GetErrors(ctx)) > 0
	if resp != nil {
		for _, e := range resp.Errors {
			if code, ok := e.Extensions["code"].(string); ok {
				op.ErrorCodes = append(op.ErrorCodes, code)
			}
		}
	}
	return resp
}

// submissionOutcome names a checkout submission's outcome for the metrics.
func submissionOutcome(sub checkout.Submission) string {
	switch {
	case len(sub.UserErrors) > 0:
		return string(sub.UserErrors[0].Code)
	case len(sub.Errors) > 0:
		return sub.Errors[0].Code
	}
	return "submitted"
}
