// Package reports is the registry of the merchant's reports as tables: every report
// registered here is served as CSV at /admin/reports/{name}.csv and gets a section on the
// /admin dashboard. Reports are computed by their own packages (internal/sales, …).
package reports

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"storefront/internal/apikey"
	"storefront/internal/paging"
	"storefront/internal/web"
)

// Params are a report's request: from and to (YYYY-MM-DD, the shop's days, both
// included) and the rest of the query string (granularity, first, …).
type Params struct {
	From, To string
	Query    url.Values
}

// Table is a report as rows of text cells under a header.
type Table struct {
	Columns []string
	Rows    [][]string
}

// Func computes a report. Input it cannot use is a *paging.InputError (HTTP 400).
type Func func(ctx context.Context, p Params) (*Table, error)

// Report is one registered report.
type Report struct {
	// Name is its URL name: /admin/reports/{Name}.csv.
	Name  string
	Title string
	// Scope is the API key scope it needs (analytics:read when empty).
	Scope string
	Run   Func
}

// Registry holds the reports in the order they were registered. It is safe for
// concurrent use.
type Registry struct {
	mu   sync.RWMutex
	list []Report
}

// Register adds a report; a second report of the same name replaces the first.
func (r *Registry) Register(rep Report) {
	if rep.Scope == "" {
		rep.Scope = "analytics:read"
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if i := slices.IndexFunc(r.list, func(x Report) bool { return x.Name == rep.Name }); i >= 0 {
		r.list[i] = rep
		return
	}
	r.list = append(r.list, rep)
}

// Get returns the report called name.
func (r *Registry) Get(name string) (Report, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	i := slices.IndexFunc(r.list, func(x Report) bool { return x.Name == name })
	if i < 0 {
		return Report{}, false
	}
	return r.list[i], true
}

// All returns every report in registration order.
func (r *Registry) All() []Report {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return slices.Clone(r.list)
}

// WriteCSV writes t as RFC 4180 CSV. A text cell that a spreadsheet would run as a
// formula (starting with =, +, -, @, tab or carriage return, and not a number) is
// prefixed with a single quote.
func WriteCSV(w io.Writer, t *Table) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Columns); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	row := make([]string, 0, len(t.Columns))
	for _, r := range t.Rows {
		row = row[:0]
		for _, c := range r {
			row = append(row, defuse(c))
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}

func defuse(c string) string {
	if c == "" || !strings.ContainsRune("=+-@\t\r", rune(c[0])) || numeric(c) {
		return c
	}
	return "'" + c
}

func numeric(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	if s == "" {
		return false
	}
	dot := false
	for _, r := range s {
		switch {
		case r == '.' && !dot:
			dot = true
		case r < '0' || r > '9':
			return false
		}
	}
	return true
}

// ServeCSV answers GET /admin/reports/{file} for a caller holding scopes: file is
// {name}.csv, the query has from, to and the report's other parameters. Unknown reports
// are 404, a missing scope 403, bad parameters 400 with the argument named.
func (r *Registry) ServeCSV(w http.ResponseWriter, req *http.Request, file string, scopes []string, log *slog.Logger) {
	ctx := req.Context()
	name, ok := strings.CutSuffix(file, ".csv")
	rep, known := r.Get(name)
	if !ok || !known {
		var names []string
		for _, rep := range r.All() {
			names = append(names, rep.Name+".csv")
		}
		web.WriteError(w, http.StatusNotFound, "no such report: ask for one of "+strings.Join(names, ", "), map[string]any{"code": "NOT_FOUND"})
		return
	}
	if !apikey.Grants(scopes, rep.Scope) {
		web.WriteError(w, http.StatusForbidden, "access denied: this report needs the "+rep.Scope+" scope", map[string]any{"code": "ACCESS_DENIED", "requiredScope": rep.Scope})
		return
	}
	q := req.URL.Query()
	t, err := rep.Run(ctx, Params{From: q.Get("from"), To: q.Get("to"), Query: q})
	var buf bytes.Buffer
	if err == nil {
		err = WriteCSV(&buf, t)
	}
	var input *paging.InputError
	switch {
	case errors.As(err, &input):
		web.WriteError(w, http.StatusBadRequest, input.Message, map[string]any{"code": "BAD_REQUEST", "argument": input.Argument})
		return
	case err != nil:
		log.ErrorContext(ctx, "report failed", "request_id", web.RequestID(ctx), "report", name, "error", err.Error())
		web.WriteError(w, http.StatusInternalServerError, "internal error", map[string]any{"code": "INTERNAL_SERVER_ERROR", "requestId": web.RequestID(ctx)})
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + "_" + q.Get("from") + "_" + q.Get("to") + ".csv"}))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(buf.Bytes())
}
