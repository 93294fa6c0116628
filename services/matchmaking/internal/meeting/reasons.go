package meeting

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/httpx"
)

// Why a meeting was cancelled: stored as a code (with the canceller's words, or the fair's
// cancel reason, in Reason) and said in the reader's language only in the answers.
const (
	ReasonByBuyer          = "cancelled_by_buyer"
	ReasonByProducer       = "cancelled_by_producer"
	ReasonByOrganiser      = "cancelled_by_organiser"
	ReasonFairCancelled    = "fair_cancelled"
	ReasonBoothReleased    = "booth_released"
	ReasonApplicationEnded = "application_ended"
)

var reasonMsgs = map[string]apperr.Msg{
	ReasonByBuyer:          apperr.M("meeting."+ReasonByBuyer, "Người mua đã hủy cuộc gặp", "Cancelled by the buyer"),
	ReasonByProducer:       apperr.M("meeting."+ReasonByProducer, "Chủ thể đã hủy cuộc gặp", "Cancelled by the producer"),
	ReasonByOrganiser:      apperr.M("meeting."+ReasonByOrganiser, "Ban tổ chức đã hủy cuộc gặp", "Cancelled by the organiser"),
	ReasonFairCancelled:    apperr.M("meeting."+ReasonFairCancelled, "Hội chợ đã bị hủy: %s", "The fair was cancelled: %s"),
	ReasonBoothReleased:    apperr.M("meeting."+ReasonBoothReleased, "Gian hàng của chủ thể đã bị thu hồi", "The producer's booth was released"),
	ReasonApplicationEnded: apperr.M("meeting."+ReasonApplicationEnded, "Chủ thể đã rút hoặc bị hủy đơn tham gia hội chợ", "The producer's application was withdrawn or cancelled"),
}

// declineMsgs say why a side declined, by decline code.
var declineMsgs = map[string]apperr.Msg{
	DeclineNoTime:      apperr.M("meeting.decline."+DeclineNoTime, "Không sắp xếp được thời gian", "No time for it"),
	DeclineNotRelevant: apperr.M("meeting.decline."+DeclineNotRelevant, "Không phù hợp với nhu cầu", "Not relevant to our needs"),
	DeclineOther:       apperr.M("meeting.decline."+DeclineOther, "Lý do khác", "Another reason"),
}

// withWords is a decline code's text in the reader's language followed by the decliner's words.
type withWords struct {
	code  apperr.Msg
	words string
}

// In returns "code text: words".
func (w withWords) In(lang apperr.Lang) string { return w.code.In(lang) + ": " + w.words }

// reasonOf is a meeting's reason to say in the reader's language: the canceller's own words when
// given, otherwise what its code says; a declined meeting says its decline code, followed by the
// decliner's words when given. A meeting stored before reasons had codes shows its reason as it
// was stored.
func reasonOf(m Meeting) apperr.Localized {
	if msg, ok := declineMsgs[m.ReasonCode]; ok && m.Status == Declined {
		if m.Reason == "" || m.ReasonCode == DeclineOther {
			if m.Reason != "" {
				return asWritten(m.Reason)
			}
			return msg.With()
		}
		return withWords{msg, m.Reason}
	}
	m = coded(m)
	msg, ok := reasonMsgs[m.ReasonCode]
	switch {
	case !ok || (m.Reason != "" && m.ReasonCode != ReasonFairCancelled):
		return asWritten(m.Reason)
	case m.ReasonCode == ReasonFairCancelled:
		return msg.With(m.Reason)
	}
	return msg.With()
}

// legacyReasons are the bilingual reasons this service stored before reasons had codes, by the
// code that now says each; legacyFairCancelled began the fair's, followed by its cancel reason.
var legacyReasons = map[string]string{
	"Người mua đã hủy / cancelled by the buyer":                                           ReasonByBuyer,
	"Chủ thể đã hủy / cancelled by the producer":                                          ReasonByProducer,
	"Ban tổ chức đã hủy / cancelled by the organiser":                                     ReasonByOrganiser,
	"Gian hàng của chủ thể đã bị thu hồi / the producer's booth was released":             ReasonBoothReleased,
	"Chủ thể đã rút đơn tham gia / the producer's application was withdrawn or cancelled": ReasonApplicationEnded,
}

const legacyFairCancelled = "Hội chợ bị hủy / the fair was cancelled: "

// coded is m with the code of a reason stored bilingual before reasons had codes, so that older
// meetings are said in one language too; other meetings are returned as they are.
func coded(m Meeting) Meeting {
	if m.ReasonCode != "" || m.Reason == "" {
		return m
	}
	if code, ok := legacyReasons[m.Reason]; ok {
		m.ReasonCode, m.Reason = code, ""
	} else if rest, ok := strings.CutPrefix(m.Reason, legacyFairCancelled); ok {
		m.ReasonCode, m.Reason = ReasonFairCancelled, rest
	}
	return m
}

// asWritten is text a person wrote, said as it was written in any language.
type asWritten string

// In returns the text as written.
func (s asWritten) In(apperr.Lang) string { return string(s) }

// agendaLang is the language of the agenda's meetings: they are scheduled, never cancelled, so
// they have no reason to say in the reader's language.
const agendaLang = apperr.Vietnamese

// answerLang is the language c's answer says its reasons in (Accept-Language); the answer
// varies with it, which caches must know.
func answerLang(c *gin.Context) apperr.Lang {
	c.Header("Vary", "Accept-Language")
	return httpx.Lang(c)
}
