// Package audit owns the audit log of Admin API writes: who (the API key), what operation,
// which object, when and what changed, written in the same transaction as the write so a
// write is never without its record.
package audit

import (
	"context"
	"errors"
	"fmt"

	"storefront/ent"
	"storefront/internal/store"
	"storefront/internal/usererror"
	"storefront/internal/web"
)

// Actor is who makes a write: an API key, or the command line.
type Actor struct {
	// KeyID is the API key's database ID; 0 for the command line.
	KeyID int
	// Name is the key's name, or "cli".
	Name string
}

type actorKey struct{}
type operationKey struct{}

// WithActor returns ctx whose writes are recorded as a's.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the context's actor; ok is false when there is none.
func ActorFrom(ctx context.Context) (a Actor, ok bool) {
	a, ok = ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// WithOperation returns ctx whose writes are recorded under the operation op (the Admin
// API's mutation name, e.g. "productSet").
func WithOperation(ctx context.Context, op string) context.Context {
	return context.WithValue(ctx, operationKey{}, op)
}

// Record writes one audit event through client, which must be the client of the
// transaction that makes the write. subjectID is the global ID of the object written and
// changes says what was written. A write without an actor in ctx is refused: every Admin
// API write must be attributable.
func Record(ctx context.Context, client *ent.Client, subjectID string, changes map[string]any) error {
	a, ok := ActorFrom(ctx)
	if !ok {
		return fmt.Errorf("audit %s: no actor in the context", subjectID)
	}
	op, _ := ctx.Value(operationKey{}).(string)
	if op == "" {
		return fmt.Errorf("audit %s: no operation in the context", subjectID)
	}
	c := client.AuditEvent.Create().
		SetActor(a.Name).
		SetOperation(op).
		SetSubjectID(subjectID).
		SetChanges(changes).
		SetRequestID(web.RequestID(ctx))
	if a.KeyID != 0 {
		c.SetAPIKeyID(a.KeyID)
	}
	if err := c.Exec(ctx); err != nil {
		return fmt.Errorf("audit %s %s: %w", op, subjectID, err)
	}
	return nil
}

// errUserInput rolls a write back when it has user errors.
var errUserInput = errors.New("rolled back for user errors")

// Write runs one Admin API write in one transaction: f returns the global ID of the object
// written and what changed (recorded when not empty), or user errors, which roll everything
// back and are returned instead of an error.
func Write(ctx context.Context, db *store.DB, f func(tx *ent.Tx) (subjectID string, changes map[string]any, uerrs []usererror.Error, err error)) ([]usererror.Error, error) {
	var uerrs []usererror.Error
	err := store.WithTx(ctx, db, func(tx *ent.Tx) error {
		subject, changes, ue, err := f(tx)
		if err != nil {
			return err
		}
		if len(ue) > 0 {
			uerrs = ue
			return errUserInput
		}
		if len(changes) == 0 {
			return nil
		}
		return Record(ctx, tx.Client(), subject, changes)
	})
	if errors.Is(err, errUserInput) {
		return uerrs, nil
	}
	return nil, err
}
