package customer

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/alexedwards/argon2id"
)

// Params are OWASP's recommended argon2id parameters: 19 MiB, 2 iterations, 1 lane.
var Params = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// hasher runs argon2id with a bound on concurrent hashes, so a flood of sign-ins queues
// instead of exhausting memory (each hash takes Params.Memory).
type hasher struct {
	params *argon2id.Params
	slots  chan struct{}
	// dummy is a hash of a random password, compared against when an email is unknown so
	// that unknown and known emails cost the same work.
	dummy string
	// checks counts password comparisons (tests check that unknown emails cost one too).
	checks atomic.Int64
}

func newHasher(params *argon2id.Params, concurrency int) (*hasher, error) {
	h := &hasher{params: params, slots: make(chan struct{}, concurrency)}
	dummy, err := argon2id.CreateHash(newToken(), params)
	if err != nil {
		return nil, fmt.Errorf("hash: %w", err)
	}
	h.dummy = dummy
	return h, nil
}

func (h *hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *hasher) release() { <-h.slots }

// Hash returns the PHC-format argon2id hash of password.
func (h *hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return argon2id.CreateHash(password, h.params)
}

// Check compares password with hash (with the dummy hash when hash is ""), and reports
// whether the hash should be redone because the parameters changed.
func (h *hasher) Check(ctx context.Context, password, hash string) (ok, rehash bool, err error) {
	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	defer h.release()
	h.checks.Add(1)
	if hash == "" {
		_, _, _ = argon2id.CheckHash(password, h.dummy)
		return false, false, nil
	}
	match, params, err := argon2id.CheckHash(password, hash)
	if err != nil {
		return false, false, fmt.Errorf("check password: %w", err)
	}
	return match, match && *params != *h.params, nil
}
