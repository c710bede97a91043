package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"storefront/graph/loader"
	"storefront/graph/scalar"
	"storefront/internal/incontext"
	"storefront/internal/market"
	"storefront/internal/metrics"
)

// fastRead answers the catalog reads storefronts send most — product listings, a product
// page, a collection page — without gqlgen's per-field machinery. gqlgen resolves every
// list element and every resolver field in a goroutine of its own with a field context,
// which costs most of a listing's CPU (issue 11's profile); the catalog's fields only read
// data the root resolver prefetched for the whole page, so here they are resolved one
// after the other, by the same resolver methods, and written straight to the response.
//
// It serves an operation only when every field it selects is one fastFields lists, its
// only directives are @skip, @include and @inContext(country, language, preferredLocationId)
// and it is read in the shop's language (translations load per object). Anything else,
// and any resolver error, null where the schema forbids it or panic, goes to gqlgen's
// executor, which then answers the whole operation as it always does; a fast answer is
// byte for byte what gqlgen writes (TestFastReadMatchesGqlgen compares them).
type fastRead struct {
	r      *Resolver
	schema *ast.Schema

	once sync.Once
	sat  map[string][]string
}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = (*fastRead)(nil)

func (*fastRead) ExtensionName() string { return "FastCatalogRead" }

func (f *fastRead) Validate(s graphql.ExecutableSchema) error {
	f.schema = s.Schema()
	return nil
}

// errFallback makes the operation go to gqlgen's executor.
var errFallback = errors.New("fast read: not served")

func (f *fastRead) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	// Errors already reported mean the operation was refused before execution (gqlgen's
	// DispatchError runs the interceptors too): its answer is those errors.
	if !graphql.HasOperationContext(ctx) || fastReadOff(ctx) || len(graphql.GetErrors(ctx)) > 0 {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	op := oc.Operation
	if op == nil || op.Operation != ast.Query || f.schema == nil {
		return next(ctx)
	}
	f.once.Do(f.init)
	in, ok := fastContext(op, oc.Variables)
	if !ok || !f.supported(oc, op.SelectionSet, "QueryRoot") {
		return next(ctx)
	}
	x := &fastExec{ctx: ctx, oc: oc, r: f.r, f: f, memo: map[memoKey][]graphql.CollectedField{}}
	data, err := x.run(in)
	if err != nil {
		return next(ctx)
	}
	if op := metrics.From(ctx); op != nil {
		op.FastRead = true
	}
	if c, _ := ctx.Value(objectCountKey{}).(*objectCount); c != nil {
		c.n, c.known = x.objects, true
	}
	return &graphql.Response{Data: data}
}

// init lists, for every object type, the type names a fragment on it may name: its own,
// its interfaces' and its unions'.
func (f *fastRead) init() {
	f.sat = map[string][]string{}
	for name, def := range f.schema.Types {
		if def.Kind != ast.Object {
			continue
		}
		s := append([]string{name}, def.Interfaces...)
		for _, u := range f.schema.Types {
			if u.Kind != ast.Union {
				continue
			}
			for _, t := range u.Types {
				if t == name {
					s = append(s, u.Name)
				}
			}
		}
		f.sat[name] = s
	}
}

func (f *fastRead) satisfies(typ, cond string) bool {
	for _, s := range f.sat[schemaType(typ)] {
		if s == cond {
			return true
		}
	}
	return false
}

// supported reports whether every field the selection set can select on typ is served here.
func (f *fastRead) supported(oc *graphql.OperationContext, set ast.SelectionSet, typ string) bool {
	fields := fastFields[typ]
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if !onlySkipInclude(s.Directives) {
				return false
			}
			if s.Name == "__typename" {
				continue
			}
			child, ok := fields[s.Name]
			if !ok {
				return false
			}
			if child != "" && !f.supported(oc, s.SelectionSet, child) {
				return false
			}
		case *ast.InlineFragment:
			if !onlySkipInclude(s.Directives) {
				return false
			}
			if s.TypeCondition != "" && !f.satisfies(typ, s.TypeCondition) {
				continue
			}
			if !f.supported(oc, s.SelectionSet, typ) {
				return false
			}
		case *ast.FragmentSpread:
			def := oc.Doc.Fragments.ForName(s.Name)
			if def == nil || !onlySkipInclude(s.Directives) || !onlySkipInclude(def.Directives) {
				return false
			}
			if !f.satisfies(typ, def.TypeCondition) {
				continue
			}
			if !f.supported(oc, def.SelectionSet, typ) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func onlySkipInclude(ds ast.DirectiveList) bool {
	for _, d := range ds {
		if d.Name != "skip" && d.Name != "include" {
			return false
		}
	}
	return true
}

// fastContext reads the operation's @inContext: served are country, language and
// preferredLocationId (a buyer or a visitor's consent goes to gqlgen's executor).
func fastContext(op *ast.OperationDefinition, vars map[string]any) (incontext.Buyer, bool) {
	var b incontext.Buyer
	for _, d := range op.Directives {
		if d.Name != "inContext" {
			return b, false
		}
		for name, v := range d.ArgumentMap(vars) {
			if v == nil {
				continue
			}
			s, ok := v.(string)
			if !ok {
				return b, false
			}
			switch name {
			case "country":
				b.Country = s
			case "language":
				b.Language = s
			case "preferredLocationId":
				b.PreferredLocationID = s
			default:
				return b, false
			}
		}
	}
	return b, true
}

// fastExec is one operation's fast execution.
type fastExec struct {
	ctx  context.Context
	oc   *graphql.OperationContext
	r    *Resolver
	f    *fastRead
	w    bytes.Buffer
	memo map[memoKey][]graphql.CollectedField
	// objects counts the JSON objects written (extensions.cost's actualQueryCost).
	objects int
	// The request's pricer, once found (see variantPricing).
	priced    bool
	pricer    market.Pricer
	pricerErr error
	scratch   [48]byte
}

type memoKey struct {
	first ast.Selection
	n     int
	typ   string
}

func (x *fastExec) run(in incontext.Buyer) (data json.RawMessage, err error) {
	defer func() {
		if r := recover(); r != nil {
			data, err = nil, fmt.Errorf("%w: panic %v", errFallback, r)
		}
	}()
	// The operation's @inContext applies as gqlgen's directive would apply it.
	if in != (incontext.Buyer{}) {
		x.ctx = incontext.With(x.ctx, in)
	}
	if lang := incontext.From(x.ctx).Language; lang != "" {
		sh, err := loader.For(x.ctx).Shop()
		if err != nil {
			return nil, err
		}
		if lang != sh.LanguageCode {
			return nil, errFallback
		}
	}
	x.w.Grow(16 << 10)
	if err := x.root(x.collect(x.oc.Operation.SelectionSet, "QueryRoot")); err != nil {
		return nil, err
	}
	return x.w.Bytes(), nil
}

// collect is gqlgen's field collection for one selection set on one type, done once per
// list rather than once per element.
func (x *fastExec) collect(set ast.SelectionSet, typ string) []graphql.CollectedField {
	if len(set) == 0 {
		return nil
	}
	k := memoKey{set[0], len(set), typ}
	if fs, ok := x.memo[k]; ok {
		return fs
	}
	fs := graphql.CollectFields(x.oc, set, x.f.sat[typ])
	x.memo[k] = fs
	return fs
}

// fieldCtx is the field context a resolver reads its selections and arguments from.
func (x *fastExec) fieldCtx(object string, f graphql.CollectedField, args map[string]any) context.Context {
	return graphql.WithFieldContext(x.ctx, &graphql.FieldContext{Object: object, Field: f, Args: args, IsMethod: true, IsResolver: true})
}

// Writing: the same bytes as gqlgen's FieldSet, Array and scalar marshalers.

func (x *fastExec) open(i int, alias string) {
	if i == 0 {
		x.w.WriteByte('{')
		x.objects++
	} else {
		x.w.WriteByte(',')
	}
	// A response key is a GraphQL name ([_A-Za-z][_0-9A-Za-z]*): nothing to escape.
	x.w.WriteByte('"')
	x.w.WriteString(alias)
	x.w.WriteString(`":`)
}

func (x *fastExec) close(n int) {
	if n == 0 {
		x.w.WriteByte('{')
		x.objects++
	}
	x.w.WriteByte('}')
}

func (x *fastExec) null()          { x.w.WriteString("null") }
func (x *fastExec) str(s string)   { appendGQLString(&x.w, s) }
func (x *fastExec) id(s string)    { appendGQLString(&x.w, s) }
func (x *fastExec) boolean(b bool) { graphql.MarshalBoolean(b).MarshalGQL(&x.w) }
func (x *fastExec) integer(n int)  { x.w.WriteString(strconv.Itoa(n)) }
func (x *fastExec) enum(e fmt.Stringer) { // gqlgen's enums write strconv.Quote(e.String())
	var buf [32]byte
	x.w.Write(strconv.AppendQuote(buf[:0], e.String()))
}
func (x *fastExec) dateTime(t time.Time) { scalar.MarshalDateTime(t).MarshalGQL(&x.w) }

func (x *fastExec) optStr(s *string) {
	if s == nil {
		x.null()
		return
	}
	x.str(*s)
}

func (x *fastExec) optID(s *string) {
	if s == nil {
		x.null()
		return
	}
	x.id(*s)
}

func (x *fastExec) optInt(n *int) {
	if n == nil {
		x.null()
		return
	}
	x.integer(*n)
}

func (x *fastExec) float(f float64) error {
	return graphql.MarshalFloatContext(f).MarshalGQLContext(x.ctx, &x.w)
}

func (x *fastExec) strings(ss []string) {
	x.w.WriteByte('[')
	for i, s := range ss {
		if i > 0 {
			x.w.WriteByte(',')
		}
		x.str(s)
	}
	x.w.WriteByte(']')
}

// list writes n elements with each.
func (x *fastExec) list(n int, each func(i int) error) error {
	x.w.WriteByte('[')
	for i := range n {
		if i > 0 {
			x.w.WriteByte(',')
		}
		if err := each(i); err != nil {
			return err
		}
	}
	x.w.WriteByte(']')
	return nil
}

// Arguments, coerced as gqlgen's generated code coerces them.

func argInt(args map[string]any, name string) (*int, error) {
	v, ok := args[name]
	if !ok || v == nil {
		return nil, nil
	}
	n, err := graphql.UnmarshalInt(v)
	if err != nil {
		return nil, errFallback
	}
	return &n, nil
}

func argString(args map[string]any, name string) (*string, error) {
	v, ok := args[name]
	if !ok || v == nil {
		return nil, nil
	}
	s, err := graphql.UnmarshalString(v)
	if err != nil {
		return nil, errFallback
	}
	return &s, nil
}

func argBool(args map[string]any, name string) (*bool, error) {
	v, ok := args[name]
	if !ok || v == nil {
		return nil, nil
	}
	b, err := graphql.UnmarshalBoolean(v)
	if err != nil {
		return nil, errFallback
	}
	return &b, nil
}

// argEnum coerces an enum argument with its type's UnmarshalGQL.
func argEnum[T any, P interface {
	*T
	UnmarshalGQL(any) error
}](args map[string]any, name string) (*T, error) {
	v, ok := args[name]
	if !ok || v == nil {
		return nil, nil
	}
	var e T
	if err := P(&e).UnmarshalGQL(v); err != nil {
		return nil, errFallback
	}
	return &e, nil
}

// connArgs are the after, before, first, last and reverse of a connection field.
type connArgs struct {
	after, before *string
	first, last   *int
	reverse       *bool
}

func readConnArgs(args map[string]any) (connArgs, error) {
	var a connArgs
	var err error
	if a.after, err = argString(args, "after"); err != nil {
		return a, err
	}
	if a.before, err = argString(args, "before"); err != nil {
		return a, err
	}
	if a.first, err = argInt(args, "first"); err != nil {
		return a, err
	}
	if a.last, err = argInt(args, "last"); err != nil {
		return a, err
	}
	a.reverse, err = argBool(args, "reverse")
	return a, err
}

// fastReadKey turns the fast path off for a request (tests compare both paths).
type fastReadKey struct{}

// WithoutFastRead makes the request's operations run on gqlgen's executor only.
func WithoutFastRead(ctx context.Context) context.Context {
	return context.WithValue(ctx, fastReadKey{}, true)
}

func fastReadOff(ctx context.Context) bool {
	off, _ := ctx.Value(fastReadKey{}).(bool)
	return off
}

const hexDigits = "0123456789ABCDEF"

// appendGQLString writes s quoted as gqlgen's String and ID marshallers do (control
// characters, quote and backslash escaped; every other byte, invalid UTF-8 included, as it
// is), a byte at a time into the buffer rather than a rune at a time through io.Writer:
// strings are most of a listing's response. TestAppendGQLStringMatchesGqlgen compares them.
func appendGQLString(w *bytes.Buffer, s string) {
	w.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '\\' && c != '"' {
			continue
		}
		w.WriteString(s[start:i])
		switch c {
		case '\t':
			w.WriteString(`\t`)
		case '\r':
			w.WriteString(`\r`)
		case '\n':
			w.WriteString(`\n`)
		case '\\':
			w.WriteString(`\\`)
		case '"':
			w.WriteString(`\"`)
		default:
			w.WriteString(`\u00`)
			w.WriteByte(hexDigits[c>>4])
			w.WriteByte(hexDigits[c&0xf])
		}
		start = i + 1
	}
	w.WriteString(s[start:])
	w.WriteByte('"')
}
