package main

import (
	"slices"
	"strings"
	"testing"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace/noop"

	"storefront/internal/storetest"
)

// TestTracingSpansRequestOperationAndSQL: with tracing on, one request yields a server
// span for the HTTP request, a child span for the GraphQL operation and spans for its SQL
// statements, all in one trace.
func TestTracingSpansRequestOperationAndSQL(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)))
	t.Cleanup(func() { otel.SetTracerProvider(noop.NewTracerProvider()) })
	cfg := testConfig()
	cfg.Tracing = true
	api := startAPIWith(t, storetest.SQLite(t), cfg, fixture)
	if r := api.post(t, `query Tee { product(handle: "tee") { title } }`, nil); len(r.Errors) > 0 {
		t.Fatal(r.Raw)
	}
	var names []string
	spans := rec.Ended()
	for _, s := range spans {
		names = append(names, s.Name())
		if s.SpanContext().TraceID() != spans[0].SpanContext().TraceID() {
			t.Fatalf("spans in more than one trace: %v", names)
		}
	}
	for _, want := range []string{"POST /graphql", "graphql query Tee", "sql"} {
		if !slices.Contains(names, want) {
			t.Fatalf("spans %s; want one named %q", strings.Join(names, ", "), want)
		}
	}
}
