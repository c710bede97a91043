// Package web holds the HTTP plumbing shared by the APIs: request IDs, access logs, panic
// recovery, body and time limits, CORS and the SQL statement counter.
package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"storefront/internal/store"
)

type requestIDKey struct{}

// RequestID returns the request's ID ("" outside a request).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// WithRequestID returns ctx carrying id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

type logAttrsKey struct{}

// logAttrs are what handlers add to their request's access log line.
type logAttrs struct {
	mu    sync.Mutex
	attrs []any
}

// Annotate adds attributes (key, value pairs or slog.Attr, as slog takes them) to the
// access log line Observe writes for the request of ctx; outside Observe it does nothing.
func Annotate(ctx context.Context, args ...any) {
	if a, ok := ctx.Value(logAttrsKey{}).(*logAttrs); ok {
		a.mu.Lock()
		a.attrs = append(a.attrs, args...)
		a.mu.Unlock()
	}
}

// statusWriter remembers the status code and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	size   int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.size += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Observe gives each request an ID (echoed as X-Request-Id), counts its SQL statements,
// recovers panics as a 500 without internals, and writes one access log line (with what
// handlers added through Annotate, such as the GraphQL operation).
func Observe(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newID()
		ctx := WithRequestID(r.Context(), id)
		annotations := &logAttrs{}
		ctx = context.WithValue(ctx, logAttrsKey{}, annotations)
		stmts := store.CounterFrom(ctx) // a caller (a test) may count for itself
		if stmts == nil {
			stmts = &store.Counter{}
			ctx = store.WithCounter(ctx, stmts)
		}
		w.Header().Set("X-Request-Id", id)
		sw := &statusWriter{ResponseWriter: w}
		inner := r.WithContext(ctx)
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.ErrorContext(ctx, "handler panicked", "request_id", id, "panic", p, "stack", string(debug.Stack()))
				if sw.status == 0 {
					WriteError(sw, http.StatusInternalServerError, "internal error", map[string]any{"code": "INTERNAL_SERVER_ERROR", "requestId": id})
				}
			}
			annotations.mu.Lock()
			extra := annotations.attrs
			annotations.mu.Unlock()
			log.InfoContext(ctx, "request", append([]any{
				"request_id", id,
				"method", r.Method,
				"path", loggedPath(inner),
				"status", sw.status,
				"bytes", sw.size,
				"duration_ms", float64(time.Since(start).Microseconds()) / 1000,
				"sql_statements", stmts.Load(),
				"client_ip", ClientIP(ctx),
			}, extra...)...)
		}()
		next.ServeHTTP(sw, inner)
	})
}

// loggedPath is the request's path for the access log. Paths of routes with wildcards
// carry secrets (cart tokens, order status tokens, reset tokens), so those log their route
// pattern (the mux records it on the request) instead.
func loggedPath(r *http.Request) string {
	if strings.Contains(r.Pattern, "{") {
		return r.Pattern
	}
	return r.URL.Path
}

// WriteError writes a GraphQL-shaped error response.
func WriteError(w http.ResponseWriter, status int, msg string, ext map[string]any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	e := map[string]any{"message": msg}
	if ext != nil {
		e["extensions"] = ext
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{e}})
}

// LimitBody reads at most max bytes of a request body: a larger body is refused with 413
// before any parsing, and a JSON array (a batch of operations) with 400.
func LimitBody(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > max {
			WriteError(w, http.StatusRequestEntityTooLarge, "request body too large", map[string]any{"code": "BODY_TOO_LARGE", "limit": max})
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			WriteError(w, http.StatusRequestEntityTooLarge, "request body too large", map[string]any{"code": "BODY_TOO_LARGE", "limit": max})
			return
		case err != nil:
			WriteError(w, http.StatusBadRequest, "could not read request body", map[string]any{"code": "BAD_REQUEST"})
			return
		}
		if t := bytes.TrimLeft(body, " \t\r\n"); len(t) > 0 && t[0] == '[' {
			WriteError(w, http.StatusBadRequest, "batched operations are not supported: send one operation per request", map[string]any{"code": "BATCHING_NOT_SUPPORTED"})
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		next.ServeHTTP(w, r)
	})
}

// Timeout bounds how long one request may run; resolvers see the deadline in their context.
func Timeout(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
