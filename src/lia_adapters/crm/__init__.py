"""CRM adapters behind `CustomerDirectory`: a CSV file, a generic REST CRM, IXC Soft, and a cache."""

from lia_adapters.crm.cached import CachedCustomerDirectory
from lia_adapters.crm.file import CsvCustomerDirectory, CsvCustomerRoster, CsvLoadReport
from lia_adapters.crm.ixc import IxcConfig, IxcCustomerDirectory, ixc_phone_spellings
from lia_adapters.crm.rest import RestConfig, RestCustomerDirectory, RestFieldMap

__all__ = [
    "CachedCustomerDirectory",
    "CsvCustomerDirectory",
    "CsvCustomerRoster",
    "CsvLoadReport",
    "IxcConfig",
    "IxcCustomerDirectory",
    "RestConfig",
    "RestCustomerDirectory",
    "RestFieldMap",
    "ixc_phone_spellings",
]
