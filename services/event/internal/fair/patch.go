package fair

import (
	"encoding/json"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/httpx"
)

// patchFair changes the fields given. An object of rules or terms given (eligibility, fees,
// contact) changes only the members it names, laid on the fair as it is when the change is made;
// a venue is one place, its name and address given together.
func (rt *Routes) patchFair(c *gin.Context) {
	var req fairRequest
	sent, ok := httpx.BindPatch(c, &req)
	if !ok {
		return
	}
	fields, err := req.fields()
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	fields.Editor = editor(c)
	rt.change(c, func(Fair) string { return events.FairUpdated }, func(f Fair) (Fair, error) {
		given, err := objectsOnto(fields, f, sent)
		if err != nil {
			return Fair{}, err
		}
		return f.Update(given, Stamp(rt.Now()))
	})
}

// objectsOnto returns fields with each object the request gave (sent) laid on f's own: the
// members it does not name keep f's values.
func objectsOnto(fields Fields, f Fair, sent map[string]json.RawMessage) (Fields, error) {
	var err error
	onto := func(name string, given bool, patch func(json.RawMessage) error) {
		if raw, ok := sent[name]; ok && given && err == nil {
			err = patch(raw)
		}
	}
	onto("eligibility", fields.Eligibility != nil, func(raw json.RawMessage) error {
		b, err := httpx.PatchOnto(eligibilityBody(f.Eligibility), raw)
		el := Eligibility(b)
		fields.Eligibility = &el
		return err
	})
	onto("fees", fields.Fees != nil, func(raw json.RawMessage) error {
		b, err := httpx.PatchOnto(feesBody(f.Fees), raw)
		fees := Fees(b)
		fields.Fees = &fees
		return err
	})
	onto("contact", fields.Contact != nil, func(raw json.RawMessage) error {
		b, err := httpx.PatchOnto(contactBody(f.Contact), raw)
		contact := Contact(b)
		fields.Contact = &contact
		return err
	})
	return fields, err
}
