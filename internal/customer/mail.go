package customer

import (
	"context"
	"fmt"
	"log/slog"
	"net/smtp"
	"strings"
	"sync"
)

// Message is an email.
type Message struct {
	To, Subject, Body string
}

// Mailer sends email.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// SMTPMailer sends through an SMTP server.
type SMTPMailer struct {
	Addr string // host:port
	From string
	Auth smtp.Auth
}

// Send delivers m.
func (s SMTPMailer) Send(_ context.Context, m Message) error {
	body := "From: " + s.From + "\r\nTo: " + m.To + "\r\nSubject: " + m.Subject +
		"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + strings.ReplaceAll(m.Body, "\n", "\r\n")
	if err := smtp.SendMail(s.Addr, s.Auth, s.From, []string{m.To}, []byte(body)); err != nil {
		return fmt.Errorf("send mail: %w", err)
	}
	return nil
}

// DisabledMailer sends nothing: production without SMTP. It logs that a message was
// dropped, with its recipient and subject but never its body (which holds tokens).
type DisabledMailer struct {
	Log *slog.Logger
}

// Send drops m.
func (d DisabledMailer) Send(ctx context.Context, m Message) error {
	if d.Log != nil {
		d.Log.WarnContext(ctx, "customer email not sent: email is off (no SMTP configured)", "subject", m.Subject)
	}
	return nil
}

// LogMailer writes messages to the log instead of sending them (development mode without
// SMTP) and keeps them, so tests and developers can read them. Bodies hold reset links, so
// production mode never uses it.
type LogMailer struct {
	Log *slog.Logger
	mu  sync.Mutex
	out []Message
}

// Send logs and keeps m.
func (l *LogMailer) Send(ctx context.Context, m Message) error {
	l.mu.Lock()
	l.out = append(l.out, m)
	l.mu.Unlock()
	if l.Log != nil {
		l.Log.InfoContext(ctx, "email not sent (no SMTP configured)", "to", m.To, "subject", m.Subject, "body", m.Body)
	}
	return nil
}

// Sent returns the messages kept so far.
func (l *LogMailer) Sent() []Message {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Message(nil), l.out...)
}
