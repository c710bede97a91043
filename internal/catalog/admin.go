package catalog

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"storefront/ent"
	"storefront/internal/audit"
	"storefront/internal/gid"
	"storefront/internal/searchindex"
	"storefront/internal/usererror"
)

// adminWrite is one Admin API write in one transaction (audit.Write) that also keeps the
// search index current for what it wrote.
func (s *Service) adminWrite(ctx context.Context, f func(tx *ent.Tx) (subject string, changes map[string]any, uerrs []usererror.Error, err error)) ([]usererror.Error, error) {
	ctx, pending := searchindex.Batch(ctx)
	return audit.Write(ctx, s.db, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		subject, changes, ue, err := f(tx)
		if err == nil && len(ue) == 0 {
			err = pending.Flush(ctx, s.db.Search, tx.Client())
		}
		return subject, changes, ue, err
	})
}

// fieldErrors collects user errors of one input.
type fieldErrors []usererror.Error

func (e *fieldErrors) add(code, msg string, path ...any) {
	*e = append(*e, usererror.New(code, msg, append([]any{"input"}, path...)...))
}

// text checks an optional text field: not blank when required, at most max characters.
func (e *fieldErrors) text(v *string, field string, required bool, max int) {
	switch {
	case v == nil:
		if required {
			e.add(usererror.Blank, "The "+field+" can't be blank.", field)
		}
	case required && strings.TrimSpace(*v) == "":
		e.add(usererror.Blank, "The "+field+" can't be blank.", field)
	case len(*v) > max:
		e.add(usererror.TooLong, fmt.Sprintf("The %s is longer than %d characters.", field, max), field)
	}
}

// handle checks an optional handle.
func (e *fieldErrors) handle(v *string) {
	if v == nil {
		return
	}
	switch {
	case len(*v) > 255:
		e.add(usererror.TooLong, "The handle is longer than 255 characters.", "handle")
	case !handleRE.MatchString(*v):
		e.add(usererror.Invalid, "A handle has lower-case letters, digits and single hyphens, e.g. summer-sale.", "handle")
	}
}

// absoluteURL checks an optional absolute http(s) URL.
func (e *fieldErrors) absoluteURL(v *string, path ...any) {
	if v == nil {
		return
	}
	u, err := url.Parse(*v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(*v) > 2048 {
		e.add(usererror.Invalid, "The URL must be an absolute http or https URL.", path...)
	}
}

// parseID reads a global ID of type typ; the error is NOT_FOUND at path.
func parseID(id, typ string, path ...any) (int, []usererror.Error) {
	n, ok := gid.ParseAs(id, typ)
	if !ok {
		return 0, []usererror.Error{usererror.New(usererror.NotFound, "No such "+strings.ToLower(typ)+".", path...)}
	}
	return n, nil
}

// noSuch is the user error of an ID that names nothing.
func noSuch(typ string, path ...any) []usererror.Error {
	return []usererror.Error{usererror.New(usererror.NotFound, "No such "+strings.ToLower(typ)+".", path...)}
}

// change records field's new value in changes when differs.
func change(changes map[string]any, field string, differs bool, value any, apply func()) {
	if differs {
		apply()
		changes[field] = value
	}
}

func strDiffers(v *string, cur string) bool { return v != nil && *v != cur }

func optDiffers(v *string, cur *string) bool {
	return v != nil && (cur == nil || *cur != *v)
}
