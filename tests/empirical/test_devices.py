"""Devices: names checked without torch, absent CUDA is a clear error before any file exists."""

import pytest

torch = pytest.importorskip("torch")

from empirical import devices  # noqa: E402
from empirical.cli import main  # noqa: E402
from slt_theory.errors import InvalidParameterError  # noqa: E402


@pytest.mark.parametrize("name", ["foo", "cuda:", "cuda:-1", "gpu", "", 3, "CPU"])
def test_bad_device_names(name):
    with pytest.raises(InvalidParameterError, match="device"):
        devices.check_device_name(name)


def test_cuda_requested_without_cuda_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(InvalidParameterError, match="no CUDA GPU"):
        devices.resolve_device("cuda")
    assert devices.resolve_device("auto") == torch.device("cpu")
    assert devices.resolve_device(None) == torch.device("cpu")


def test_missing_gpu_index_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    with pytest.raises(InvalidParameterError, match="1 CUDA"):
        devices.resolve_device("cuda:1")


def test_cli_refuses_cuda_without_writing(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    runs = tmp_path / "runs"
    assert main(["train", "--device", "cuda", "--hidden", "8", "--epochs", "1",
                 "--runs-dir", str(runs), "--no-progress"]) == 2
    assert "no CUDA GPU" in capsys.readouterr().err
    assert not runs.exists()


def test_cpu_description_names_the_torch_build():
    d = devices.describe_device(torch.device("cpu"))
    assert d["device"] == "cpu" and d["torch"] == torch.__version__
    assert d["cuda_build"] == torch.version.cuda


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_description():
    d = devices.describe_device(devices.resolve_device("cuda"))
    assert d["device"].startswith("cuda") and d["memory_bytes"] > 0


# --------------------------------------------------------------------------- issue-12 fuzz finds


@pytest.mark.parametrize("device", ["foo", None if torch.cuda.is_available() else "cuda:99",
                                    torch.device("meta"), 3])
def test_describe_device_refuses_what_resolve_device_refuses(device):
    # "foo" / "auto" were torch's RuntimeError, None a TypeError, absent CUDA an AssertionError
    if device is None:
        pytest.skip("a CUDA device is present")
    with pytest.raises(InvalidParameterError, match="device"):
        devices.describe_device(device)


def test_describe_device_and_resolve_device_take_names_and_devices():
    assert devices.describe_device("auto")["device"] == str(devices.resolve_device("auto"))
    assert devices.describe_device(torch.device("cpu"))["name"] == "cpu"
    assert devices.resolve_device(torch.device("cpu")) == torch.device("cpu")
