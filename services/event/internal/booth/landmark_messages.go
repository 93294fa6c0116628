package booth

import "github.com/ocopfair/ocopfair/pkg/apperr"

// The messages of landmarks: organisers read them while they draw entrances, aisles and stages
// on a fair's floor plan.
var (
	msgLandmarkLabel = apperr.M("landmark_label",
		"dài tối đa %d ký tự",
		"must be at most %d characters")
	msgLandmarkSize = apperr.M("landmark_size",
		"chiều rộng và chiều sâu phải từ %d đến %d mét",
		"width and depth must be %d to %d metres")
	msgLandmarkOutside = apperr.M("landmark_outside_hall",
		"vượt ra ngoài hội trường: mép phải và mép dưới phải nằm trong %d mét tính từ góc trên bên trái",
		"reaches outside the hall: its right and bottom edges must stay within %d metres of the top-left corner")
	msgLandmarkOverBooth = apperr.M("landmark_over_booth",
		"%s chồng lên gian %s; hãy dời hoặc thu nhỏ nó, hoặc dời gian hàng",
		"%s covers booth %s; move or shrink it, or move the booth")
	msgBoothOnLandmark = apperr.M("booth_on_landmark",
		"gian %s chồng lên %s; hãy dời hoặc thu nhỏ gian",
		"booth %s stands on %s; move or shrink the booth")
	msgTooManyLandmarks = apperr.M("landmarks_too_many",
		"Sơ đồ đã có %d điểm mốc, không thêm được nữa.",
		"The floor plan already has %d landmarks; no more can be added.")
	msgLandmarkChanged = apperr.M("landmark_changed_meanwhile",
		"Điểm mốc này vừa được sửa trên sơ đồ; hãy xem lại sơ đồ rồi sửa lại.",
		"This landmark was just changed on the plan; look at the plan again and make your change again.")
	msgLandmarkNotFound = apperr.M("landmark_not_found",
		"Không có điểm mốc này trên sơ đồ của hội chợ.",
		"This landmark is not on the fair's floor plan.")
)

// landmarkKindName names each kind of landmark in refusals.
var landmarkKindName = map[string]apperr.Msg{
	Entrance: apperr.M("landmark.entrance", "lối vào", "the entrance"),
	Exit:     apperr.M("landmark.exit", "lối ra", "the exit"),
	Aisle:    apperr.M("landmark.aisle", "lối đi", "the aisle"),
	Stage:    apperr.M("landmark.stage", "sân khấu", "the stage"),
	B2BArea:  apperr.M("landmark.b2b_area", "khu giao thương B2B", "the B2B area"),
	InfoDesk: apperr.M("landmark.info_desk", "quầy thông tin", "the information desk"),
	Toilet:   apperr.M("landmark.toilet", "nhà vệ sinh", "the toilets"),
	Other:    apperr.M("landmark.other", "điểm mốc", "the landmark"),
}
