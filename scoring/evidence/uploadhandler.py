"""Uploads go straight to a temporary file on disk and stop at the size limit.

No upload is ever held whole in memory, and an oversized one is cut off while it streams
instead of after it has filled the disk.
"""

from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler

from scoring.evidence.validation import EvidencePolicy


class BoundedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.cut_off = False
        self.limit = EvidencePolicy.from_settings().max_file_size

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.file.close()  # a NamedTemporaryFile: closing removes it
            oversized = getattr(self.request, "oversized_uploads", [])
            oversized.append(self.file_name)
            self.request.oversized_uploads = oversized
            self.cut_off = True
            raise SkipFile()
        return super().receive_data_chunk(raw_data, start)

    def upload_interrupted(self):
        # The body ended before the multipart form did (the client went away mid-upload): the
        # parser drops the unfinished file, and the view refuses the files before it too, so
        # a cut-off request stores nothing. Django calls this too after the last file was
        # skipped for its size; that file is already reported as oversized.
        if not getattr(self, "cut_off", False):
            self.request.upload_interrupted = True
        super().upload_interrupted()
