// Package order owns placed orders: reading them for their customers (listing with sort
// keys, search and cursors, batch reads of lines, addresses and fulfillments) and the
// merchant's changes after checkout placed them — payments recorded around every provider
// call, capture, fulfilment, cancellation, refunds, the order timeline and customer email.
package order

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"storefront/ent"
	"storefront/ent/fulfillment"
	"storefront/ent/mailingaddress"
	entorder "storefront/ent/order"
	"storefront/ent/orderline"
	"storefront/ent/predicate"
	"storefront/internal/catalog"
	"storefront/internal/gid"
	"storefront/internal/paging"
	"storefront/internal/payment"
	"storefront/internal/store"
)

// Service reads orders and makes the merchant's changes to them (capture, fulfil, cancel,
// refund, update), recording payments, the timeline and outbox events, and emailing the
// customer after each change commits.
type Service struct {
	db        *store.DB
	publicURL string
	now       func() time.Time
	// Provider is the payment gateway captures, voids and refunds go through; nil when
	// direct payments are off.
	Provider payment.Provider
	// Mail sends customer email; nil sends none.
	Mail Mailer
	// sending counts customer emails in flight (Wait).
	sending sync.WaitGroup
	// Log receives failures that happen after a change committed; slog.Default() when nil.
	Log *slog.Logger
}

// New returns an order service over db.
func New(db *store.DB, publicURL string) *Service {
	return &Service{db: db, publicURL: strings.TrimRight(publicURL, "/"), now: func() time.Time { return time.Now().UTC() }}
}

// GlobalID is an order's global ID.
func GlobalID(id int) string { return gid.Format("Order", id) }

// StatusURL is the unguessable address of the order's status page.
func (s *Service) StatusURL(o *ent.Order) string {
	return s.publicURL + "/orders/status/" + o.StatusToken
}

// Count is the number of orders the customer has placed.
func (s *Service) Count(ctx context.Context, customerID int) (int, error) {
	return s.db.Order.Query().Where(entorder.CustomerID(customerID)).Count(ctx)
}

// ForCustomer lists the customer's orders by ID, PROCESSED_AT, TOTAL_PRICE or RELEVANCE
// (ID order), optionally narrowed by a search query.
func (s *Service) ForCustomer(ctx context.Context, customerID int, args paging.Args, sortKey, query string) (paging.Page[*ent.Order], error) {
	var order []paging.Term
	switch sortKey {
	case "", "ID", "RELEVANCE":
	case "PROCESSED_AT":
		order = []paging.Term{{Expr: paging.Column(entorder.FieldProcessedAt), Kind: paging.KindTime}}
	case "TOTAL_PRICE":
		order = []paging.Term{{Expr: paging.Column(entorder.FieldTotal), Kind: paging.KindInt}}
	default:
		return paging.Page[*ent.Order]{}, &paging.InputError{Argument: "sortKey", Message: fmt.Sprintf("unknown sort key %q", sortKey)}
	}
	where := []func(*entsql.Selector){func(sel *entsql.Selector) { sel.Where(entsql.EQ(sel.C(entorder.FieldCustomerID), customerID)) }}
	if query != "" {
		q, err := catalog.ParseQuery(query)
		if err != nil {
			return paging.Page[*ent.Order]{}, err
		}
		pred, err := q.Predicate(orderTerm)
		if err != nil {
			return paging.Page[*ent.Order]{}, err
		}
		if pred != nil {
			where = append(where, pred)
		}
	}
	l := paging.Listing{Key: "O" + sortKey, Table: entorder.Table, Where: where, Order: order}
	w, err := args.Window(l.Key, l.Kinds())
	if err != nil {
		return paging.Page[*ent.Order]{}, err
	}
	pages, err := paging.List(ctx, s.db, l, w)
	if err != nil {
		return paging.Page[*ent.Order]{}, err
	}
	rp := pages[0]
	ids := make([]int, len(rp.Refs))
	for i, r := range rp.Refs {
		ids[i] = r.ID
	}
	os, err := s.db.Order.Query().Where(entorder.IDIn(ids...)).All(ctx)
	if err != nil {
		return paging.Page[*ent.Order]{}, fmt.Errorf("load orders: %w", err)
	}
	return paging.Assemble(rp, os, func(o *ent.Order) int { return o.ID }), nil
}

// Search is the predicate of an order search query in Shopify's syntax, as the Admin API's
// orders(query:) takes it: free text and name: match the order name (#1001), email: the
// buyer's email, financial_status:, fulfillment_status:, processed_at:/created_at: (with
// comparisons), customer_id: (a number or global ID) and test:true|false; AND, OR, NOT and
// parentheses combine them. A malformed query is a *catalog.InputError.
func Search(query string) (predicate.Order, error) {
	q, err := catalog.ParseQuery(query)
	if err != nil {
		return nil, err
	}
	pred, err := q.Predicate(adminTerm)
	if err != nil || pred == nil {
		return nil, err
	}
	return predicate.Order(pred), nil
}

// adminTerm is orderTerm with the fields only the merchant searches by.
func adminTerm(s *entsql.Selector, t catalog.Term) (*entsql.Predicate, error) {
	switch t.Field {
	case "", "name":
		// Free text also finds the buyer by email.
		v := strings.TrimPrefix(t.Value, "#")
		if t.Field == "" {
			return entsql.Or(catalog.LikeFold(s.C(entorder.FieldName), v, false), catalog.LikeFold(s.C(entorder.FieldEmail), t.Value, false)), nil
		}
	case "email":
		return catalog.LikeFold(s.C(entorder.FieldEmail), t.Value, false), nil
	case "customer_id":
		id, err := strconv.Atoi(t.Value)
		if err != nil {
			var ok bool
			if id, ok = gid.ParseAs(t.Value, "Customer"); !ok {
				return nil, &catalog.InputError{Argument: "query", Message: fmt.Sprintf("customer_id:%s is not a customer ID", t.Value)}
			}
		}
		return entsql.EQ(s.C(entorder.FieldCustomerID), id), nil
	case "test":
		switch strings.ToLower(t.Value) {
		case "true":
			return entsql.EQ(s.C(entorder.FieldTest), true), nil
		case "false":
			return entsql.EQ(s.C(entorder.FieldTest), false), nil
		}
		return nil, &catalog.InputError{Argument: "query", Message: fmt.Sprintf("test:%s is not true or false", t.Value)}
	case "financial_status", "fulfillment_status":
		v := strings.ToUpper(t.Value)
		valid := entorder.FinancialStatusValidator(entorder.FinancialStatus(v))
		if t.Field == "fulfillment_status" {
			valid = entorder.FulfillmentStatusValidator(entorder.FulfillmentStatus(v))
		}
		if valid != nil {
			return nil, &catalog.InputError{Argument: "query", Message: fmt.Sprintf("%s:%s is not a known status", t.Field, t.Value)}
		}
	}
	return orderTerm(s, t)
}

// orderTerm translates one search term over orders.
func orderTerm(s *entsql.Selector, t catalog.Term) (*entsql.Predicate, error) {
	switch t.Field {
	case "", "name":
		v := strings.TrimPrefix(t.Value, "#")
		return catalog.LikeFold(s.C(entorder.FieldName), v, false), nil
	case "processed_at", "created_at":
		at, err := catalog.ParseQueryTime(t.Value)
		if err != nil {
			return nil, err
		}
		return catalog.CompareCol(s.C(entorder.FieldProcessedAt), t.Op, at), nil
	case "financial_status", "fulfillment_status":
		return entsql.EQ(s.C(t.Field), strings.ToUpper(t.Value)), nil
	}
	return catalog.LikeFold(s.C(entorder.FieldName), t.Field+":"+t.Value, false), nil
}

// Lines returns each order's lines in position order.
func (s *Service) Lines(ctx context.Context, orderIDs []int) (map[int][]*ent.OrderLine, error) {
	ls, err := s.db.OrderLine.Query().Where(orderline.OrderIDIn(orderIDs...)).
		Order(ent.Asc(orderline.FieldOrderID), ent.Asc(orderline.FieldPosition), ent.Asc(orderline.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load order lines: %w", err)
	}
	out := make(map[int][]*ent.OrderLine, len(orderIDs))
	for _, id := range orderIDs {
		out[id] = nil
	}
	for _, l := range ls {
		out[l.OrderID] = append(out[l.OrderID], l)
	}
	return out, nil
}

// Fulfillments returns each order's successful fulfillments, oldest first.
func (s *Service) Fulfillments(ctx context.Context, orderIDs []int) (map[int][]*ent.Fulfillment, error) {
	fs, err := s.db.Fulfillment.Query().Where(fulfillment.OrderIDIn(orderIDs...), fulfillment.StatusEQ(fulfillment.StatusSUCCESS)).
		Order(ent.Asc(fulfillment.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load fulfillments: %w", err)
	}
	out := make(map[int][]*ent.Fulfillment, len(orderIDs))
	for _, id := range orderIDs {
		out[id] = nil
	}
	for _, f := range fs {
		out[f.OrderID] = append(out[f.OrderID], f)
	}
	return out, nil
}

// Addresses returns order address snapshots by ID.
func (s *Service) Addresses(ctx context.Context, ids []int) (map[int]*ent.MailingAddress, error) {
	as, err := s.db.MailingAddress.Query().Where(mailingaddress.IDIn(ids...), mailingaddress.OrderIDNotNil()).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load order addresses: %w", err)
	}
	out := make(map[int]*ent.MailingAddress, len(as))
	for _, a := range as {
		out[a.ID] = a
	}
	return out, nil
}

// OwnedBy returns the orders among ids that belong to the customer (others are absent,
// exactly like orders that do not exist).
func (s *Service) OwnedBy(ctx context.Context, customerID int, ids []int) (map[int]*ent.Order, error) {
	os, err := s.db.Order.Query().Where(entorder.IDIn(ids...), entorder.CustomerID(customerID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load orders: %w", err)
	}
	out := make(map[int]*ent.Order, len(os))
	for _, o := range os {
		out[o.ID] = o
	}
	return out, nil
}

func sortedKeys(m map[int]int) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}
