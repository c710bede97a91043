package graph

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"runtime/debug"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/lib/pq"
	"github.com/mattn/go-sqlite3"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"storefront/internal/catalog"
	"storefront/internal/customer"
	"storefront/internal/web"
)

// Error codes in extensions.code of GraphQL errors.
const (
	CodeBadUserInput = "BAD_USER_INPUT"
	CodeInternal     = "INTERNAL_SERVER_ERROR"
	CodeTimeout      = "TIMEOUT"
	CodeThrottled    = "THROTTLED"
)

// presentError is the one place errors leave the API: input problems keep their message
// and get a code; anything unexpected is logged once, with the request ID and cause, and
// shown as "internal error" with that request ID, so no SQL or driver text reaches clients.
func presentError(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		if errors.As(err, &gqlErr) && gqlErr.Err == nil {
			// Parse, validation and limit errors made by gqlgen itself.
			return gqlErr
		}
		out := graphql.DefaultErrorPresenter(ctx, err)
		var input *catalog.InputError
		switch {
		case errors.As(err, &input):
			out.Message = input.Message
			out.Extensions = map[string]any{"code": CodeBadUserInput}
			if input.Argument != "" {
				out.Extensions["argument"] = input.Argument
			}
		case errors.Is(err, customer.ErrThrottled), errors.Is(err, errOneAccountMutation):
			out.Message = err.Error()
			out.Extensions = map[string]any{"code": CodeThrottled}
		case stoppedByTimeout(ctx, err):
			id := web.RequestID(ctx)
			log.WarnContext(ctx, "resolver stopped by the request timeout", "request_id", id, "path", out.Path.String(), "error", err.Error())
			out.Message = "the request took too long and was stopped"
			out.Extensions = map[string]any{"code": CodeTimeout, "requestId": id}
		default:
			id := web.RequestID(ctx)
			log.ErrorContext(ctx, "resolver failed", "request_id", id, "path", out.Path.String(), "error", err.Error())
			out.Message = "internal error"
			out.Extensions = map[string]any{"code": CodeInternal, "requestId": id}
		}
		return out
	}
}

// stoppedByTimeout reports whether err comes from the request's deadline: the context's
// own error, a PostgreSQL statement cancelled on it (query_canceled, 57014), an SQLite
// statement interrupted, a connection whose dial ran into it (lib/pq dials with the
// request's context: "dial tcp …: i/o timeout"), or any failure once the deadline has
// passed — by the clock, since the context marks itself done a moment later under load.
func stoppedByTimeout(ctx context.Context, err error) bool {
	var pqErr *pq.Error
	var sqliteErr sqlite3.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return true
	case errors.As(err, &pqErr) && pqErr.Code == "57014":
		return true
	case errors.As(err, &sqliteErr) && sqliteErr.Code == sqlite3.ErrInterrupt:
		return true
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		return true
	}
	return errors.Is(ctx.Err(), context.DeadlineExceeded)
}

// recoverPanic turns a resolver panic into an internal error, logged with its stack.
func recoverPanic(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "resolver panicked", "request_id", web.RequestID(ctx), "panic", p, "stack", string(debug.Stack()))
		return errors.New("panic in resolver")
	}
}
