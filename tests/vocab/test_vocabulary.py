from kg.vocab import default_vocabulary


def test_registry_spellings_and_code_names_resolve_to_curated_drugs():
    vocab = default_vocabulary()
    found = [(m.key, m.surface) for m in vocab.find_drugs(
        "TORIPALIMAB INJECTION(JS001 ) combine with chemotherapy; Anrotinib plus Tirelizumab; "
        "SHR1210; AK-105")]
    assert found == [
        ("toripalimab", "TORIPALIMAB INJECTION"),
        ("toripalimab", "JS001"),
        ("anlotinib", "Anrotinib"),
        ("tislelizumab", "Tirelizumab"),
        ("camrelizumab", "SHR1210"),
        ("penpulimab", "AK-105"),
    ]


def test_words_containing_a_drug_name_do_not_match():
    vocab = default_vocabulary()
    assert vocab.find_drugs("Placebos and xcapecitabiney") == []


def test_class_membership_includes_narrower_classes():
    vocab = default_vocabulary()
    assert "penpulimab" in vocab.members("anti-pd-1")
    assert "atezolizumab" not in vocab.members("anti-pd-1")
    assert "atezolizumab" in vocab.members("immune-checkpoint-inhibitor")
    assert vocab.resolve_class("PD-1 inhibitor") == "anti-pd-1"


def test_condition_hierarchy_reaches_mesh_nasopharyngeal_neoplasms():
    vocab = default_vocabulary()
    keys = vocab.condition_keys_in("Recurrent or Metastatic Nasopharyngeal Carcinoma")
    assert keys == ["nasopharyngeal-carcinoma"]
    assert "nasopharyngeal-neoplasms" in vocab.condition_ancestors(keys[0])
    assert vocab.conditions["nasopharyngeal-neoplasms"].mesh == "D009303"
