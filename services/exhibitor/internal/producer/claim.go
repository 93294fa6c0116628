package producer

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// A claim code is the proof that hands a profile an organiser imported to the producer who signs
// up for it. Tax codes are public and prove nothing, so the organiser passes the code on to the
// producer (by letter, phone or in person); the service keeps only its hash.
const (
	// ClaimCodeTTL is how long a claim code can be used after it is issued.
	ClaimCodeTTL = 30 * 24 * time.Hour
	// ClaimAttempts is how many tries, right or wrong, one account has at one claim code. Tax
	// codes are public, so a stranger's wrong guesses must not lock the owner out: they spend
	// only the stranger's own tries. There is no limit of tries from all accounts together: it
	// let throwaway accounts lock any imported profile whose tax code they knew, and among 32^12
	// codes a few tries per account have no chance (a million accounts' five each: under 2^-37).
	ClaimAttempts = 5

	// claimAlphabet has 32 symbols that cannot be mistaken for one another when read aloud or
	// typed from paper (no 0/O, no 1/I); 12 of them carry 60 bits.
	claimAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	claimLength   = 12
	claimGroup    = 4
)

// NewClaimCode returns a fresh random claim code written in groups, such as "K7QX-94MP-2RHT".
func NewClaimCode() string {
	raw := make([]byte, claimLength)
	// rand.Read never fails (it crashes the program if the system's source is broken).
	_, _ = rand.Read(raw)
	var b strings.Builder
	for i, r := range raw {
		if i > 0 && i%claimGroup == 0 {
			b.WriteByte('-')
		}
		// 256 is a multiple of 32, so taking the low five bits keeps every symbol equally likely.
		b.WriteByte(claimAlphabet[r&31])
	}
	return b.String()
}

// NormalizeClaimCode returns the code as it is hashed: upper case, without the spaces and dashes
// people type between groups.
func NormalizeClaimCode(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '\t', '\u00a0':
			return -1
		}
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

// HashClaimCode is what is stored of a code: a SHA-256 over the code's own ID and the normalised
// code, so equal codes issued twice never share a hash.
func HashClaimCode(codeID, code string) string {
	sum := sha256.Sum256([]byte(codeID + ":" + NormalizeClaimCode(code)))
	return hex.EncodeToString(sum[:])
}

// ClaimResult is the outcome of one claim attempt, as the audit log records it.
type ClaimResult string

// Claim attempt outcomes. Only those of a try in which the code was compared are audited now
// (see ClaimResult.compared); the others are still returned, and older records hold them.
const (
	ClaimSucceeded   ClaimResult = "claimed"
	ClaimNoCodeGiven ClaimResult = "no_code_given"
	ClaimNotIssued   ClaimResult = "no_code_issued"
	ClaimExpired     ClaimResult = "expired"
	ClaimLocked      ClaimResult = "locked"
	ClaimWrongCode   ClaimResult = "wrong_code"
	ClaimUsed        ClaimResult = "already_used"
	ClaimFailed      ClaimResult = "failed"
	// ClaimIssued records that an organiser (or an import) issued a new code; the account is the
	// issuer's.
	ClaimIssued ClaimResult = "issued"
)

// compared says whether the outcome is that of a try in which the code was compared with the
// profile's: each one spent one of an account's ClaimAttempts tries, so they are few per account.
func (r ClaimResult) compared() bool {
	return r == ClaimSucceeded || r == ClaimWrongCode || r == ClaimUsed
}

// ClaimStatus is what organisers see of an imported profile's claim code: never the code.
type ClaimStatus struct {
	// Outstanding is true while a code is issued, not expired and not used: tries, however many
	// accounts make them, never lock it.
	Outstanding bool
	Issued      bool
	IssuedAt    time.Time
	ExpiresAt   time.Time
	Used        bool
	// WrongTries is how many times accounts together sent a wrong code for this one: many of them,
	// from many accounts, mean someone is guessing (each account may try ClaimAttempts times).
	WrongTries int
}

// ClaimAttempt is one audited attempt to claim a profile.
type ClaimAttempt struct {
	// ID is a UUIDv7, made when the attempt is recorded if empty.
	ID         string
	ProducerID string
	AccountID  string
	CodeID     string
	Result     ClaimResult
	ClientIP   string
	At         time.Time
	// Reason is the organiser's word on why a registered profile's code was issued (what was
	// checked of the company owning the tax code).
	Reason string
	// PreviousAccountID is, on a registered profile handed over, the account that held it: its
	// own profile page then says what became of the profile (see ClaimStore.HandedOverFrom).
	PreviousAccountID string
}
