package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"storefront/internal/web"
)

// httpTransport serves GraphQL over HTTP as the GraphQL-over-HTTP spec says, for GET
// (queries only) and POST with a JSON body. gqlgen's own GET/POST transports answer
// parse and validation failures with 422 and a "data": null entry; the spec wants 200 for
// application/json and 400 without "data" for application/graphql-response+json, so this
// transport decides status codes itself and leaves execution to gqlgen.
type httpTransport struct{}

var _ graphql.Transport = httpTransport{}

const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

func (httpTransport) Supports(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" {
		return false
	}
	switch r.Method {
	case http.MethodGet:
		return true
	case http.MethodPost:
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		return err == nil && mt == mediaJSON
	}
	return false
}

// responseType picks the response media type from the Accept header: the spec's
// application/graphql-response+json when the client asks for it first, else application/json.
func responseType(r *http.Request) string {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case mediaGraphQLResponse:
			return mediaGraphQLResponse
		case mediaJSON, "*/*", "application/*":
			return mediaJSON
		}
	}
	return mediaJSON
}

// rawRequest is a request's parameters before their types are checked.
type rawRequest struct {
	Query         any `json:"query"`
	OperationName any `json:"operationName"`
	Variables     any `json:"variables"`
	Extensions    any `json:"extensions"`
}

func (httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	media := responseType(r)
	w.Header().Set("Content-Type", media)
	var raw rawRequest
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		if q.Has("query") {
			raw.Query = q.Get("query")
		}
		if q.Has("operationName") {
			raw.OperationName = q.Get("operationName")
		}
		for name, dst := range map[string]*any{"variables": &raw.Variables, "extensions": &raw.Extensions} {
			if v := q.Get(name); v != "" {
				if err := decodeJSON([]byte(v), dst); err != nil {
					writeRequestError(w, http.StatusBadRequest, name+" is not valid JSON")
					return
				}
			}
		}
	} else {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			writeRequestError(w, http.StatusBadRequest, "could not read the request body")
			return
		}
		if len(bytes.TrimSpace(body)) == 0 {
			writeRequestError(w, http.StatusBadRequest, "the request body is empty: send {\"query\": \"…\"}")
			return
		}
		if err := decodeJSON(body, &raw); err != nil {
			writeRequestError(w, http.StatusBadRequest, "the request body is not a valid JSON object")
			return
		}
	}
	params, msg := raw.params(r.Header)
	if msg != "" {
		writeRequestError(w, http.StatusBadRequest, msg)
		return
	}
	params.ReadTime.Start = graphql.Now()
	params.ReadTime.End = params.ReadTime.Start
	oc, errs := exec.CreateOperationContext(ctx, params)
	annotateOperation(ctx, oc)
	if errs != nil {
		status := http.StatusOK
		if media == mediaGraphQLResponse {
			status = http.StatusBadRequest
		}
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, oc), errs)
		writeJSON(w, status, map[string]any{"errors": resp.Errors})
		return
	}
	if r.Method == http.MethodGet {
		if op := oc.Doc.Operations.ForName(oc.OperationName); op != nil && op.Operation != ast.Query {
			w.Header().Set("Allow", http.MethodPost)
			writeRequestError(w, http.StatusMethodNotAllowed, "GET requests can only run queries: send mutations with POST")
			return
		}
	}
	responses, rctx := exec.DispatchOperation(ctx, oc)
	writeResponse(w, responses(rctx))
}

// annotateOperation adds the operation's type and name (when it has one) to the
// request's access log line, also for operations refused by a limit.
func annotateOperation(ctx context.Context, oc *graphql.OperationContext) {
	if oc == nil || oc.Operation == nil || oc.Doc == nil {
		return // not parsed, or refused before parsing (documentLimits annotates those)
	}
	logOperation(ctx, oc.Operation)
}

func logOperation(ctx context.Context, op *ast.OperationDefinition) {
	typ := op.Operation
	if typ == "" {
		typ = ast.Query
	}
	web.Annotate(ctx, "graphql_operation_type", string(typ))
	if op.Name != "" {
		web.Annotate(ctx, "graphql_operation", op.Name)
	}
}

// params checks the parameter types the spec allows and builds gqlgen's RawParams. A
// request may omit the query only when it names a persisted query.
func (raw rawRequest) params(h http.Header) (*graphql.RawParams, string) {
	p := &graphql.RawParams{Headers: h}
	switch q := raw.Query.(type) {
	case string:
		p.Query = q
	case nil:
	default:
		return nil, "query must be a string"
	}
	switch n := raw.OperationName.(type) {
	case string:
		p.OperationName = n
	case nil:
	default:
		return nil, "operationName must be a string"
	}
	switch v := raw.Variables.(type) {
	case map[string]any:
		p.Variables = v
	case nil:
	default:
		return nil, "variables must be an object"
	}
	switch e := raw.Extensions.(type) {
	case map[string]any:
		p.Extensions = e
	case nil:
	default:
		return nil, "extensions must be an object"
	}
	if p.Query == "" && p.Extensions["persistedQuery"] == nil {
		return nil, "no query given: send {\"query\": \"…\"}"
	}
	return p, ""
}

func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return io.ErrUnexpectedEOF
	}
	return nil
}

func writeRequestError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"errors": gqlerror.List{{
		Message:    msg,
		Extensions: map[string]any{"code": "BAD_REQUEST"},
	}}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeResponse writes an executed operation's response with status 200, byte for byte
// as json.Encoder would, without re-validating the data: encoding/json compacts and checks
// a json.RawMessage before writing it, which cost a twentieth of a catalog listing's CPU,
// while the data is compact JSON already (gqlgen's and the fast executor's writers).
// Only its HTML-escaping is repeated, so the bytes stay the same.
func writeResponse(w http.ResponseWriter, resp *graphql.Response) {
	if resp == nil || resp.Label != "" || len(resp.Path) > 0 || resp.HasNext != nil {
		writeJSON(w, http.StatusOK, resp)
		return
	}
	buf := make([]byte, 0, len(resp.Data)+len(resp.Data)/64+64)
	buf = append(buf, '{')
	if len(resp.Errors) > 0 {
		errs, err := json.Marshal(resp.Errors)
		if err != nil {
			writeJSON(w, http.StatusOK, resp)
			return
		}
		buf = append(buf, `"errors":`...)
		buf = append(buf, errs...)
		buf = append(buf, ',')
	}
	buf = append(buf, `"data":`...)
	if len(resp.Data) == 0 {
		buf = append(buf, "null"...)
	} else {
		buf = appendHTMLEscaped(buf, resp.Data)
	}
	if len(resp.Extensions) > 0 {
		ext, err := json.Marshal(resp.Extensions)
		if err != nil {
			writeJSON(w, http.StatusOK, resp)
			return
		}
		buf = append(buf, `,"extensions":`...)
		buf = append(buf, ext...)
	}
	buf = append(buf, '}', '\n')
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf)
}

// appendHTMLEscaped appends JSON text src to dst with <, >, & and the line and paragraph
// separators U+2028 and U+2029 escaped, as encoding/json escapes them (they can only occur
// inside strings).
func appendHTMLEscaped(dst, src []byte) []byte {
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '<' || c == '>' || c == '&':
			dst = append(dst, src[start:i]...)
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			start = i + 1
		case c == 0xE2 && i+2 < len(src) && src[i+1] == 0x80 && src[i+2]&^1 == 0xA8:
			dst = append(dst, src[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[src[i+2]&0xF])
			start = i + 3
			i += 2
		}
	}
	return append(dst, src[start:]...)
}
