package order

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"

	"storefront/ent"
	"storefront/ent/orderline"
	"storefront/ent/shop"
	"storefront/internal/mail"
)

// Mailer sends customer email (see package mail).
type Mailer = mail.Mailer

// Kinds of customer email.
const (
	MailConfirmation = "confirmation" // the order was placed
	MailShipping     = "shipping"     // items shipped, with tracking
	MailCancel       = "cancel"       // the order was cancelled
	MailRefund       = "refund"       // money was refunded
)

var subjects = map[string]string{
	MailConfirmation: "Order %s confirmed",
	MailShipping:     "Order %s is on the way",
	MailCancel:       "Order %s was cancelled",
	MailRefund:       "A refund for order %s",
}

// Notice is a customer email to send about an order after a change committed.
type Notice struct {
	Kind          string
	OrderID       int
	FulfillmentID int   // MailShipping
	Amount        int64 // MailRefund
}

//go:embed templates
var templateFS embed.FS

var (
	htmlMail = htmltemplate.Must(htmltemplate.ParseFS(templateFS, "templates/*.html"))
	textMail = texttemplate.Must(texttemplate.ParseFS(templateFS, "templates/*.txt"))
)

type mailTracking struct{ Company, Number, URL string }

type mailData struct {
	Subject   string
	Shop      string
	Order     *ent.Order
	Lines     []mailLine
	Total     string
	Amount    string
	StatusURL string
	Tracking  *mailTracking
}

type mailLine struct {
	Title, VariantTitle string
	Quantity            int
}

// Wait blocks until every customer email being sent has been sent or has failed.
func (s *Service) Wait() { s.sending.Wait() }

// Notify emails the order's customer about n, off the request: it runs after the change
// committed, never inside its transaction, and records the outcome on the order timeline
// (EMAIL_SENT or EMAIL_FAILED); failures are logged too. An order without an email
// address, or a service without a mailer, sends nothing.
func (s *Service) Notify(ctx context.Context, n Notice) {
	if s.Mail == nil {
		return
	}
	s.sending.Add(1)
	go func() {
		defer s.sending.Done()
		ctx, cancel := detached(ctx)
		defer cancel()
		s.send(ctx, n)
	}()
}

func (s *Service) send(ctx context.Context, n Notice) {
	o, err := s.db.Order.Get(ctx, n.OrderID)
	if err != nil {
		s.log().ErrorContext(ctx, "read order for email", "order", n.OrderID, "error", err.Error())
		return
	}
	if o.Email == nil || *o.Email == "" {
		return
	}
	m, err := s.render(ctx, o, n)
	if err != nil {
		s.log().ErrorContext(ctx, "render order email", "order", o.ID, "kind", n.Kind, "error", err.Error())
		return
	}
	kind, msg := EventEmailSent, "Sent \""+m.Subject+"\" to "+m.To
	if err := s.Mail.Send(ctx, m); err != nil {
		s.log().ErrorContext(ctx, "send order email", "order", o.ID, "kind", n.Kind, "error", err.Error())
		kind, msg = EventEmailFailed, "Could not send \""+m.Subject+"\" to "+m.To+": "+err.Error()
	}
	if err := Timeline(ctx, s.db.Client, o.ID, kind, msg); err != nil {
		s.log().ErrorContext(ctx, "record order email", "order", o.ID, "error", err.Error())
	}
}

// render builds the email of n from the templates.
func (s *Service) render(ctx context.Context, o *ent.Order, n Notice) (mail.Message, error) {
	d := mailData{Order: o, StatusURL: s.StatusURL(o), Total: FormatAmount(o.Total, o.CurrencyCode), Amount: FormatAmount(n.Amount, o.CurrencyCode), Shop: "Storefront"}
	if names, err := s.db.Shop.Query().Order(ent.Asc(shop.FieldID)).Select(shop.FieldName).Strings(ctx); err == nil && len(names) > 0 {
		d.Shop = names[0]
	}
	lines, err := s.db.OrderLine.Query().Where(orderline.OrderID(o.ID)).Order(ent.Asc(orderline.FieldPosition)).All(ctx)
	if err != nil {
		return mail.Message{}, err
	}
	qty := map[int]int{}
	if n.Kind == MailShipping {
		f, err := s.db.Fulfillment.Get(ctx, n.FulfillmentID)
		if err != nil {
			return mail.Message{}, err
		}
		for _, l := range f.Lines {
			qty[l.OrderLineID] = l.Quantity
		}
		if len(f.TrackingNumbers) > 0 || f.TrackingCompany != nil {
			t := &mailTracking{Company: deref(f.TrackingCompany)}
			if len(f.TrackingNumbers) > 0 {
				t.Number = f.TrackingNumbers[0]
			}
			if len(f.TrackingUrls) > 0 {
				t.URL = f.TrackingUrls[0]
			}
			d.Tracking = t
		}
	}
	for _, l := range lines {
		q := l.Quantity
		if n.Kind == MailShipping {
			if q = qty[l.ID]; q == 0 {
				continue
			}
		}
		d.Lines = append(d.Lines, mailLine{Title: l.Title, VariantTitle: deref(l.VariantTitle), Quantity: q})
	}
	d.Subject = fmt.Sprintf(subjects[n.Kind], o.Name)
	if o.Test {
		d.Subject = "[TEST] " + d.Subject
	}
	var h, t bytes.Buffer
	if err := htmlMail.ExecuteTemplate(&h, n.Kind, d); err != nil {
		return mail.Message{}, err
	}
	if err := textMail.ExecuteTemplate(&t, n.Kind, d); err != nil {
		return mail.Message{}, err
	}
	return mail.Message{To: *o.Email, Subject: d.Subject, Body: t.String(), HTML: h.String()}, nil
}
