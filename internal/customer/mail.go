package customer

import "storefront/internal/mail"

// Message is an email (see package mail).
type Message = mail.Message

// Mailer sends email (see package mail).
type Mailer = mail.Mailer

// DisabledMailer sends nothing (see package mail).
type DisabledMailer = mail.DisabledMailer

// LogMailer logs and keeps messages instead of sending them (see package mail).
type LogMailer = mail.LogMailer
