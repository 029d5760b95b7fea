"""Input and output shapes of the patients API. Writes go through the services, never around them."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinic.roles import COORDINATOR
from clinic.timezones import clinic_today
from patients import clinical
from patients.models import (
    CareRecord,
    CareTask,
    ElnAssessment,
    GeneticTest,
    LabResult,
    MolecularResponse,
    MonitoringItem,
    Note,
    Patient,
    Resource,
    ResourceAssignment,
    SymptomReport,
)
from patients.models.people import PHONE_TAKEN, phone_on_file
from patients.selectors import patients_visible_to
from patients.services import (
    care_record_save,
    care_task_create,
    genetic_test_result_record,
    genetic_test_save,
    lab_result_save,
    monitoring_item_add,
    note_add,
    resource_assign,
    symptom_report_record,
)


@extend_schema_field(OpenApiTypes.INT)
class VisiblePatientField(serializers.PrimaryKeyRelatedField):
    """A patient id the caller may see; any other id is "does not exist", never a leak."""

    def get_queryset(self):
        return patients_visible_to(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class VisibleTestField(serializers.PrimaryKeyRelatedField):
    """A test of a patient the caller may see."""

    def get_queryset(self):
        return GeneticTest.objects.filter(patient__in=patients_visible_to(self.context["request"].user))


def coordinator_field(**kwargs) -> serializers.PrimaryKeyRelatedField:
    """Only active coordinators can be a patient's coordinator or a task's assignee."""
    users = get_user_model().objects.filter(groups__name=COORDINATOR, is_active=True)
    return serializers.PrimaryKeyRelatedField(queryset=users, allow_null=True, required=False, **kwargs)


def label_field(name: str) -> serializers.CharField:
    """`<name>_label` next to a coded field: the words the console shows for the code ("" when blank)."""
    return serializers.CharField(source=f"get_{name}_display", read_only=True)


class FlagSerializer(serializers.Serializer):
    """One finding on the care record, exactly as the console lists it (clinical.care_record_flags)."""

    level = serializers.ChoiceField(
        choices=[("danger", "Danger"), ("warning", "Warning"), ("info", "Information")], read_only=True
    )
    code = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True)


def record_flags(record: CareRecord | None, patient: Patient) -> list[dict]:
    """The console's flags for a patient; callers prefetch `genetic_tests` and `medications` to keep queries fixed."""
    flags = clinical.care_record_flags(
        record=record, tests=list(patient.genetic_tests.all()), medications=list(patient.medications.all())
    )
    return FlagSerializer(flags, many=True).data


def _user(serializer: serializers.Serializer):
    return serializer.context["request"].user


# Creating and updating go through the model's save service (checks, derived fields), as on the console. A
# comment, not a docstring: the API schema takes a serializer's docstring as its component's description.
class SavedThroughService(serializers.ModelSerializer):
    def save_through_service(self, row):
        raise NotImplementedError("Each serializer names its model's save service.")

    def create(self, validated_data):
        return self.save_through_service(self.Meta.model(**validated_data))

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return self.save_through_service(instance)


class PatientSerializer(serializers.ModelSerializer):
    coordinator = coordinator_field()
    # "" until the patient has a care record (a source path through the missing record would give null).
    diagnosis = serializers.SerializerMethodField()
    has_flags = serializers.SerializerMethodField()
    flags = serializers.SerializerMethodField()
    next_due_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Patient
        fields = [
            "id",
            "full_name",
            "phone",
            "email",
            "date_of_birth",
            "language",
            "time_zone",
            "preferred_channel",
            "coordinator",
            "is_lead",
            "diagnosis",
            "has_flags",
            "flags",
            "next_due_on",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def validate_phone(self, phone):
        # One verified record per phone (a partial unique constraint): a readable 400, never a 500.
        if phone_on_file(phone, exclude_pk=self.instance.pk if self.instance else None):
            raise serializers.ValidationError(PHONE_TAKEN)
        return phone

    def get_diagnosis(self, patient: Patient) -> str:
        record = getattr(patient, "care_record", None)
        return record.diagnosis if record else ""

    def get_has_flags(self, patient: Patient) -> bool:
        record = getattr(patient, "care_record", None)
        return bool(record and record.has_flags)

    @extend_schema_field(FlagSerializer(many=True))
    def get_flags(self, patient: Patient) -> list[dict]:
        return record_flags(getattr(patient, "care_record", None), patient)


class CareRecordSerializer(SavedThroughService):
    patient = VisiblePatientField()
    diagnosis_label = label_field("diagnosis")
    cml_phase_label = label_field("cml_phase")
    gist_extent_label = label_field("gist_extent")
    treatment_phase_label = label_field("treatment_phase")
    flags = serializers.SerializerMethodField()
    flag_summary = serializers.CharField(
        read_only=True, help_text="Deprecated: use `flags`. Newline-joined texts of the danger and warning flags only."
    )

    class Meta:
        model = CareRecord
        fields = [
            "id",
            "patient",
            "diagnosis",
            "diagnosis_label",
            "diagnosis_detail",
            "cml_phase",
            "cml_phase_label",
            "gist_site",
            "gist_risk",
            "gist_extent",
            "gist_extent_label",
            "resected_on",
            "icd10_code",
            "diagnosed_on",
            "treating_oncologist",
            "treatment_phase",
            "treatment_phase_label",
            "tki_started_on",
            "phase_started_on",
            "has_flags",
            "flags",
            "flag_summary",
            "updated_at",
        ]
        read_only_fields = ["has_flags", "flag_summary", "updated_at"]

    @extend_schema_field(FlagSerializer(many=True))
    def get_flags(self, record: CareRecord) -> list[dict]:
        return record_flags(record, record.patient)

    def validate_patient(self, patient: Patient) -> Patient:
        if self.instance is None and CareRecord.objects.filter(patient=patient).exists():
            raise serializers.ValidationError("This patient already has a care record; update it instead.")
        if self.instance is not None and patient != self.instance.patient:
            raise serializers.ValidationError("A care record cannot move to another patient.")
        return patient

    def save_through_service(self, record: CareRecord) -> CareRecord:
        return care_record_save(record=record, by=_user(self))


class GeneticTestSerializer(SavedThroughService):
    """A test at any lifecycle stage; result fields are typed; response and assessment are worked out."""

    patient = VisiblePatientField()
    # Blank until a result is assessed: the schema must admit "" next to the levels.
    molecular_response = serializers.ChoiceField(choices=[("", ""), *MolecularResponse.choices], read_only=True)
    eln_assessment = serializers.ChoiceField(choices=[("", ""), *ElnAssessment.choices], read_only=True)
    kind_label = label_field("kind")
    status_label = label_field("status")
    molecular_response_label = label_field("molecular_response")
    eln_assessment_label = label_field("eln_assessment")
    result_display = serializers.CharField(read_only=True)
    loinc = serializers.CharField(read_only=True)
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = GeneticTest
        fields = [
            "id",
            "patient",
            "kind",
            "kind_label",
            "method",
            "status",
            "status_label",
            "ordered_on",
            "collected_on",
            "resulted_on",
            "cancelled_reason",
            "lab",
            "ph_result",
            "transcript",
            "bcr_abl1_detected",
            "is_percent",
            "control_copies",
            "kd_mutation",
            "high_risk_aca",
            "gist_finding",
            "variant_detail",
            "result_text",
            *GeneticTest.DERIVED_FIELDS,
            "molecular_response_label",
            "eln_assessment_label",
            "result_display",
            "loinc",
            "warnings",
            "updated_at",
        ]
        read_only_fields = [*GeneticTest.DERIVED_FIELDS, "updated_at"]

    def get_warnings(self, test: GeneticTest) -> list[str]:
        """What the reader must know before trusting the assessment (the console shows the same sentence)."""
        return [w for w in [test.sample_date_warning] if w]

    def save_through_service(self, test: GeneticTest) -> GeneticTest:
        return genetic_test_save(test=test, by=_user(self))


class ResultInputSerializer(serializers.Serializer):
    """Record a typed result, on an ordered test (`test`) or as a new test."""

    patient = VisiblePatientField()
    test = VisibleTestField(required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=GeneticTest._meta.get_field("kind").choices)
    collected_on = serializers.DateField(required=False, allow_null=True)
    resulted_on = serializers.DateField()
    lab = serializers.CharField(required=False, allow_blank=True, default="")
    method = serializers.CharField(required=False, allow_blank=True, default="")
    ph_result = serializers.CharField(required=False, allow_blank=True, default="")
    transcript = serializers.CharField(required=False, allow_blank=True, default="")
    bcr_abl1_detected = serializers.BooleanField(required=False, allow_null=True, default=None)
    is_percent = serializers.DecimalField(
        max_digits=12, decimal_places=6, required=False, allow_null=True, min_value=0, default=None
    )
    control_copies = serializers.IntegerField(required=False, allow_null=True, min_value=0, default=None)
    kd_mutation = serializers.CharField(required=False, allow_blank=True, default="")
    high_risk_aca = serializers.BooleanField(required=False, allow_null=True, default=None)
    gist_finding = serializers.CharField(required=False, allow_blank=True, default="")
    variant_detail = serializers.CharField(required=False, allow_blank=True, default="")
    result_text = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, data):
        test = data.get("test")
        if test is not None and (test.patient_id != data["patient"].pk or test.kind != data["kind"]):
            raise serializers.ValidationError({"test": "That test is for another patient or of another kind."})
        if test is not None and test.status == "resulted":
            raise serializers.ValidationError({"test": "That test already has a result; update it instead."})
        return data

    def create(self, validated_data):
        return genetic_test_result_record(**validated_data, recorded_by=_user(self))

    def to_representation(self, instance):
        return GeneticTestSerializer(instance, context=self.context).data


class LabResultSerializer(serializers.ModelSerializer):
    patient = VisiblePatientField()
    hold_guidance = serializers.SerializerMethodField()

    class Meta:
        model = LabResult
        fields = [
            "id",
            "patient",
            "taken_on",
            "anc",
            "platelets",
            "wbc",
            "haemoglobin",
            "alt_x_uln",
            "ast_x_uln",
            "bilirubin_x_uln",
            "lab",
            "hold_findings",
            "hold_guidance",
            "created_at",
        ]
        read_only_fields = ["hold_findings", "created_at"]

    def get_hold_guidance(self, obj: LabResult) -> list[str]:
        return [f"{hold.finding}: {hold.guidance}" for hold in obj.hold_guidance]

    def create(self, validated_data):
        return lab_result_save(result=LabResult(**validated_data), by=_user(self))


class MonitoringItemSerializer(serializers.ModelSerializer):
    patient = VisiblePatientField()
    state = serializers.SerializerMethodField()
    kind_label = label_field("kind")
    status_label = label_field("status")
    reason = serializers.CharField(max_length=300)

    class Meta:
        model = MonitoringItem
        fields = [
            "id",
            "patient",
            "kind",
            "kind_label",
            "due_on",
            "window_starts_on",
            "window_ends_on",
            "state",
            "status",
            "status_label",
            "source",
            "reason",
            "protocol_key",
            "completed_on",
            "skipped_reason",
            "override_reason",
            "genetic_test",
            "lab_result",
        ]
        read_only_fields = [
            "window_starts_on",
            "window_ends_on",
            "status",
            "source",
            "protocol_key",
            "completed_on",
            "skipped_reason",
            "override_reason",
            "genetic_test",
            "lab_result",
        ]

    def get_state(self, obj: MonitoringItem) -> str:
        return obj.state_on(clinic_today())

    def create(self, validated_data):
        return monitoring_item_add(
            patient=validated_data["patient"],
            kind=validated_data["kind"],
            due_on=validated_data["due_on"],
            reason=validated_data["reason"],
            by=_user(self),
        )


class ItemCompleteSerializer(serializers.Serializer):
    completed_on = serializers.DateField(default=clinic_today)


class ItemSkipSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ItemOverrideSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    reason = serializers.CharField(max_length=300)


class SymptomReportSerializer(serializers.ModelSerializer):
    patient = VisiblePatientField()
    reported_at = serializers.DateTimeField(default=timezone.now)

    class Meta:
        model = SymptomReport
        fields = [
            "id",
            "patient",
            "symptom",
            "grade",
            "source",
            "reported_at",
            "onset_on",
            "note",
            "is_red_flag",
            "is_urgent",
            "created_at",
        ]
        read_only_fields = ["is_red_flag", "is_urgent", "created_at"]

    def create(self, validated_data):
        report, _urgent = symptom_report_record(**validated_data, recorded_by=_user(self))
        return report


class CareTaskSerializer(serializers.ModelSerializer):
    patient = VisiblePatientField()
    assignee = coordinator_field()
    priority_label = label_field("priority")
    status_label = label_field("status")

    class Meta:
        model = CareTask
        fields = [
            "id",
            "patient",
            "title",
            "detail",
            "priority",
            "priority_label",
            "due_at",
            "assignee",
            "status",
            "status_label",
            "source_kind",
            "source_id",
            "created_at",
            "completed_at",
        ]
        read_only_fields = ["status", "source_kind", "source_id", "created_at", "completed_at"]

    def create(self, validated_data):
        return care_task_create(
            patient=validated_data["patient"],
            title=validated_data["title"],
            priority=validated_data.get("priority", "normal"),
            due=validated_data["due_at"],
            assignee=validated_data.get("assignee"),
            detail=validated_data.get("detail", ""),
            created_by=_user(self),
        )


class TaskStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CareTask._meta.get_field("status").choices)


class ResourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Resource
        fields = ["id", "name", "category", "description", "url", "phone", "is_active"]


class ResourceAssignmentSerializer(serializers.ModelSerializer):
    patient = VisiblePatientField()

    class Meta:
        model = ResourceAssignment
        fields = ["id", "patient", "resource", "status", "follow_up_on", "note", "updated_at"]
        read_only_fields = ["updated_at"]
        validators: list = []  # resource_assign answers a duplicate with a plain 409

    def create(self, validated_data):
        return resource_assign(**validated_data, by=_user(self))

    def update(self, instance, validated_data):
        validated_data.pop("patient", None)
        validated_data.pop("resource", None)  # a referral stays with its resource; assign another instead
        return super().update(instance, validated_data)


class NoteSerializer(serializers.ModelSerializer):
    patient = VisiblePatientField()

    class Meta:
        model = Note
        fields = ["id", "patient", "body", "author_name", "created_at"]
        read_only_fields = ["author_name", "created_at"]

    def create(self, validated_data):
        return note_add(patient=validated_data["patient"], body=validated_data["body"], author=_user(self))
