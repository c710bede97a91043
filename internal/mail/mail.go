// Package mail sends customer email: an SMTP mailer built on github.com/wneessen/go-mail
// (plain text and HTML alternatives, TLS, authentication, a timeout and retries), plus the
// logging mailer of development mode and the disabled mailer of production without SMTP.
package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is an email: a plain-text body and, when set, an HTML alternative.
type Message struct {
	To, Subject, Body string
	HTML              string
}

// Mailer sends email.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// TLS modes of SMTPConfig.TLS.
const (
	TLSOpportunistic = "opportunistic" // STARTTLS when the server offers it (the default)
	TLSMandatory     = "mandatory"     // STARTTLS required
	TLSImplicit      = "implicit"      // TLS from the first byte (SMTPS, port 465)
	TLSNone          = "none"          // plain text: for a relay on the same host only
)

// SMTPConfig is how to reach the SMTP server.
type SMTPConfig struct {
	Addr     string // host:port
	From     string
	Username string // authenticates (PLAIN, LOGIN or CRAM-MD5, as offered) when set
	Password string
	TLS      string        // TLSOpportunistic when empty
	Timeout  time.Duration // per attempt; 10s when zero
	Retries  int           // attempts after the first, for temporary failures
	Backoff  time.Duration // wait before the first retry, doubled after each; 1s when zero
}

// SMTPMailer sends through an SMTP server with go-mail.
type SMTPMailer struct {
	cfg  SMTPConfig
	host string
	port int
}

// NewSMTP checks cfg and returns a mailer for it.
func NewSMTP(cfg SMTPConfig) (*SMTPMailer, error) {
	host, portStr, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("smtp address %q: %w", cfg.Addr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port <= 0 || port > 65535 {
		return nil, fmt.Errorf("smtp address %q: bad port", cfg.Addr)
	}
	switch cfg.TLS {
	case "":
		cfg.TLS = TLSOpportunistic
	case TLSOpportunistic, TLSMandatory, TLSImplicit, TLSNone:
	default:
		return nil, fmt.Errorf("smtp tls mode %q: want %s, %s, %s or %s", cfg.TLS, TLSOpportunistic, TLSMandatory, TLSImplicit, TLSNone)
	}
	if cfg.From == "" {
		return nil, errors.New("smtp: no sender address")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Retries < 0 {
		cfg.Retries = 0
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Second
	}
	return &SMTPMailer{cfg: cfg, host: host, port: port}, nil
}

func (s *SMTPMailer) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(s.port), gomail.WithTimeout(s.cfg.Timeout)}
	switch s.cfg.TLS {
	case TLSOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case TLSMandatory:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	return gomail.NewClient(s.host, opts...)
}

// Send delivers m, trying again after temporary failures (connection problems and 4xx
// answers) up to Retries times with a doubling wait; permanent refusals are not retried.
func (s *SMTPMailer) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return fmt.Errorf("send mail: sender: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("send mail: recipient: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	wait := s.cfg.Backoff
	var err error
	for try := 0; ; try++ {
		var c *gomail.Client
		if c, err = s.client(); err != nil {
			return fmt.Errorf("send mail: %w", err)
		}
		actx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
		err = c.DialAndSendWithContext(actx, msg)
		cancel()
		if err == nil {
			return nil
		}
		var se *gomail.SendError
		if errors.As(err, &se) && !se.IsTemp() {
			return fmt.Errorf("send mail: %w", err)
		}
		if try >= s.cfg.Retries {
			return fmt.Errorf("send mail after %d attempts: %w", try+1, err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("send mail: %w", errors.Join(err, ctx.Err()))
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// DisabledMailer sends nothing: production without SMTP. It logs that a message was
// dropped, with its subject but never its body (which can hold tokens).
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
