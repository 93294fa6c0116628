// Package account is the gateway's account domain: who can sign in, with which role, and how
// passwords are checked.
package account

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Account is a person who signs in.
type Account struct {
	ID           string
	Email        string
	Name         string
	Role         string
	PasswordHash string
	CreatedAt    time.Time
	CreatedBy    string
	// Disabled accounts cannot sign in; their tokens were revoked when they were disabled.
	Disabled bool
	// TokensValidAfter: tokens issued before it are revoked (signed out everywhere, password
	// changed, disabled); a token issued now is stamped no earlier (see NotBefore).
	TokensValidAfter time.Time
}

// MaxEmailLen is the longest email, in bytes, an account may have.
const MaxEmailLen = 254

// Password rules.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 128
)

// New validates the input and returns a new account with a hashed password and a fresh ID (a
// request that creates it gives it its own: see Routes.create). Self-registration may only
// create producers and buyers; selfService says which kind of creation this is.
func New(email, name, role, password string, selfService bool, createdBy string, params HashParams) (Account, error) {
	var v apperr.Validation
	email = NormalizeEmail(email)
	if !asciiOnly(email) {
		v.Fail("email", msgEmailASCII)
	} else if _, err := mail.ParseAddress(email); err != nil || !plainAddress(email) || len(email) > MaxEmailLen {
		v.Fail("email", msgEmail)
	}
	name = vntext.Clean(name)
	if v.Expect(utf8.RuneCountInString(name) >= 2 && utf8.RuneCountInString(name) <= 120, "name", apperr.LengthBetween, 2, 120) {
		v.Expect(vntext.Readable(name), "name", apperr.Unreadable)
	}
	allowed := []string{auth.RoleProducer, auth.RoleBuyer}
	if !selfService {
		allowed = []string{auth.RoleOrganiser, auth.RoleAdmin, auth.RoleProducer, auth.RoleBuyer}
	}
	if !contains(allowed, role) {
		v.Fail("role", apperr.OneOf, apperr.OrOf(allowed...))
	}
	checkPassword(&v, "password", password, email)
	if err := v.Err(); err != nil {
		return Account{}, err
	}
	hash, err := HashPassword(password, params)
	if err != nil {
		return Account{}, err
	}
	return Account{
		ID: uuid.Must(uuid.NewV7()).String(), Email: email, Name: name, Role: role,
		PasswordHash: hash, CreatedAt: time.Now().In(vntext.Zone).Truncate(time.Millisecond), CreatedBy: createdBy,
	}, nil
}

// checkPassword fails field unless password has the allowed length and is not the email.
func checkPassword(v *apperr.Validation, field, password, email string) {
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLen || n > MaxPasswordLen {
		v.Fail(field, apperr.LengthBetween, MinPasswordLen, MaxPasswordLen)
	} else if strings.EqualFold(password, email) {
		v.Fail(field, msgPasswordIsEmail)
	}
}

// NotBefore is the first instant a revocation at now lets tokens be issued: the next whole second,
// as a token's issue time is kept in whole seconds (a token issued in the second of the revocation
// would otherwise pass or be refused by chance).
func NotBefore(now time.Time) time.Time { return now.Truncate(time.Second).Add(time.Second) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// NormalizeEmail trims, lower-cases and NFKC-folds an email, so that sign-in ignores case and a
// look-alike compatibility character ("ⅼ", a roman numeral, or a full-width "ａ") reads as the
// letter it looks like.
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(norm.NFKC.String(email)))
}

// plainAddress reports whether email is written the one plain way a mailbox is: a local part of
// letters, digits, dots and the few signs addresses use, and a domain name. A quoted local part
// ("pa"@x.vn, the same mailbox as pa@x.vn) or an address at a bracketed IP would let one mailbox
// hold a second account that reads like the first, or like another's ("admin@…"@x.vn).
func plainAddress(email string) bool {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" || domain == "" {
		return false
	}
	for i := range len(local) {
		if c := local[i]; !isAlnum(c) && !strings.ContainsRune("!#$%&'*+-/=?^_`{|}~.", rune(c)) {
			return false
		}
	}
	for i := range len(domain) {
		if c := domain[i]; !isAlnum(c) && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// asciiOnly reports whether s holds only ASCII: an address with a Cyrillic "о" would look like
// another account's. Addresses at Vietnamese providers and international ones are ASCII; a
// domain with other letters is written in its xn-- form.
func asciiOnly(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Principal is what a token says about the account.
func (a Account) Principal() auth.Principal {
	return auth.Principal{AccountID: a.ID, Role: a.Role, Name: a.Name, Email: a.Email}
}

// HashParams are argon2id's cost parameters.
type HashParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultHashParams follow OWASP's minimum for argon2id (19 MiB, 2 passes, 1 lane).
var DefaultHashParams = HashParams{Memory: 19 * 1024, Time: 2, Threads: 1}

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(password string, p HashParams) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the PHC-format argon2id hash, in constant time.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var p HashParams
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || p.Memory > 1<<20 || p.Time > 16 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHashes hold, by cost, the hash checked when an email is unknown, so that a failed
// sign-in takes as long either way: it costs what the service's own hashes cost.
var dummyHashes sync.Map // HashParams → string

// dummyHash is the hash checked for an unknown email, made with params once.
func dummyHash(params HashParams) string {
	if h, ok := dummyHashes.Load(params); ok {
		return h.(string)
	}
	h, _ := HashPassword("not-a-real-password", params)
	h2, _ := dummyHashes.LoadOrStore(params, h)
	return h2.(string)
}

// Authenticate checks a password against an account that may not exist (zero ID), spending the
// same time in both cases (params: the cost the service hashes passwords with), and returns a
// uniform error.
func Authenticate(a Account, found bool, password string, params HashParams) error {
	hash := a.PasswordHash
	if !found {
		hash = dummyHash(params)
	}
	if !CheckPassword(hash, password) || !found {
		return apperr.New(apperr.Unauthorized, msgLoginFailed)
	}
	return nil
}
